"""The wording the service ships for written information, before anyone edits it.

These are loaded into `WrittenInformationTemplate` rows by a data migration (and by
`load_default_templates`), after which administrators change them in the admin. The same
text is the fallback if the table has been emptied, so a patient is never left without
written information because of a missing row.

Text format: a blank line between paragraphs, "## " starts a heading, "- " a bullet point.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultTemplate:
    name: str
    status_codes: str
    title: str
    body: str


_HOW_TO_GET_ONE = "\n".join(
    [
        "## How to get an IMHA",
        "",
        "- Ask any member of staff to contact us for you. They must help you do this.",
        "- Or contact us yourself. Phone {service_phone}. Textphone {service_textphone}. "
        "Email {service_email}.",
        "- We are open {service_opening_hours}. If you leave a message, we will call you back.",
        "",
        "You can ask for an IMHA at any time, even if you said no before. It is free.",
        "",
        "## Other people who can ask us to see you",
        "",
        "Your nearest relative, your responsible clinician or an approved mental health "
        "professional can also ask us to visit you.",
        "",
        "## Questions about this letter",
        "",
        "{hospital_name} gave you this letter because the law says you must be told about "
        "IMHAs, by talking to you and in writing. If anything here is unclear, ask staff to "
        "explain it, or ask us.",
    ]
)

_WHAT_AN_IMHA_DOES = "\n".join(
    [
        "## What an IMHA does",
        "",
        "An IMHA is on your side. They do not work for the hospital, the NHS or the council. "
        "They can:",
        "",
        "- help you understand your rights, your section and your treatment",
        "- help you say what you want, or speak for you if you ask them to",
        "- come with you to meetings, ward rounds and tribunal hearings",
        "- help you ask to see your records or make a complaint",
        "",
        "An IMHA will not tell you what to do. What you talk about stays private unless "
        "someone is at serious risk.",
    ]
)

DEFAULT_TEMPLATES: tuple[DefaultTemplate, ...] = (
    DefaultTemplate(
        name="Detained patients",
        status_codes=("s2, s3, s17, s35, s36, s37, s37/41, s38, s45a, s47, s47/49, s48, s48/49"),
        title="Your right to an Independent Mental Health Advocate",
        body=(
            "Dear {patient_name}\n\n"
            "You are being kept in hospital under the Mental Health Act. Your section is "
            "{section_title} ({section_code}).\n\n"
            "This means you have the right to help from an Independent Mental Health Advocate. "
            "We call them an IMHA for short. The {service_name} provides IMHAs here.\n\n"
            + _WHAT_AN_IMHA_DOES
            + "\n\n"
            + _HOW_TO_GET_ONE
        ),
    ),
    DefaultTemplate(
        name="Community treatment order",
        status_codes="s17a, s17e",
        title="Your right to an Independent Mental Health Advocate",
        body=(
            "Dear {patient_name}\n\n"
            "You are on a community treatment order (CTO) under the Mental Health Act. This "
            "is true even if you have been called back to hospital for a short time.\n\n"
            "This means you have the right to help from an Independent Mental Health Advocate. "
            "We call them an IMHA for short. The {service_name} provides IMHAs here.\n\n"
            + _WHAT_AN_IMHA_DOES
            + "\n\nAn IMHA can also help you understand the conditions of your CTO and what "
            "happens if you are recalled to hospital.\n\n" + _HOW_TO_GET_ONE
        ),
    ),
    DefaultTemplate(
        name="Guardianship",
        status_codes="s7, s37_guardianship",
        title="Your right to an Independent Mental Health Advocate",
        body=(
            "Dear {patient_name}\n\n"
            "You are under guardianship under the Mental Health Act ({section_title}).\n\n"
            "This means you have the right to help from an Independent Mental Health Advocate. "
            "We call them an IMHA for short. The {service_name} provides IMHAs here.\n\n"
            + _WHAT_AN_IMHA_DOES
            + "\n\n"
            + _HOW_TO_GET_ONE
        ),
    ),
    DefaultTemplate(
        name="Conditional discharge",
        status_codes="conditional_discharge",
        title="Your right to an Independent Mental Health Advocate",
        body=(
            "Dear {patient_name}\n\n"
            "You have been conditionally discharged from hospital. Because you can still be "
            "recalled to hospital, the law says you have the right to help from an "
            "Independent Mental Health Advocate. We call them an IMHA for short. The "
            "{service_name} provides IMHAs here.\n\n"
            + _WHAT_AN_IMHA_DOES
            + "\n\n"
            + _HOW_TO_GET_ONE
        ),
    ),
    DefaultTemplate(
        name="General",
        status_codes="",
        title="Your right to an Independent Mental Health Advocate",
        body=(
            "Dear {patient_name}\n\n"
            "Your status under the Mental Health Act is {section_title} ({section_code}). "
            "This gives you the right to help from an Independent Mental Health Advocate. We "
            "call them an IMHA for short. The {service_name} provides IMHAs here.\n\n"
            + _WHAT_AN_IMHA_DOES
            + "\n\n"
            + _HOW_TO_GET_ONE
        ),
    ),
)


def load_default_templates(model: type) -> int:
    """Add any shipped template missing from `model`'s table; never overwrite edits.

    Takes the model class so a data migration can pass its historical model. Returns how
    many rows were added.
    """
    added = 0
    for template in DEFAULT_TEMPLATES:
        _, created = model.objects.get_or_create(  # type: ignore[attr-defined]
            name=template.name,
            defaults={
                "status_codes": template.status_codes,
                "title": template.title,
                "body": template.body,
            },
        )
        added += int(created)
    return added
