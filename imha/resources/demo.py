"""Demo content for the public library: leaflets, one story and a few events.

Everything here is fictional and marked "(demo)". The leaflets are small PDFs drawn with
fpdf2 when the demo loads, so no binary files live in the repository. Running it again
changes nothing except moving the events' dates so some are always upcoming.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from imha.resources.models import (
    ANONYMISATION_CHECKS,
    Audience,
    ConsentMethod,
    Event,
    FileKind,
    Language,
    Resource,
    ResourceVersion,
    Story,
    StoryConsent,
    Topic,
)


@dataclass(frozen=True)
class DemoLeaflet:
    slug: str
    title: str
    summary: str
    audience: str
    topic: str
    easy_read: bool
    paragraphs: tuple[str, ...]


DEMO_LEAFLETS = (
    DemoLeaflet(
        slug="your-rights-on-section-3-demo",
        title="Your rights on section 3 (demo)",
        summary="What section 3 means, how long it lasts, and how to ask a tribunal to end it.",
        audience=Audience.PATIENT,
        topic=Topic.SECTIONS_2_AND_3,
        easy_read=False,
        paragraphs=(
            "This is a demo leaflet made for trying out the website. It is not legal advice.",
            "Section 3 is a part of the Mental Health Act that lets a hospital keep you so "
            "that you can have treatment. It can last up to six months at first. Your "
            "responsible clinician can renew it if they think you still need to be in "
            "hospital.",
            "You can ask a tribunal to look at whether you should still be on section 3. "
            "You can also ask the hospital managers to review it. A solicitor can help you "
            "for free.",
            "You have the right to an independent mental health advocate (IMHA). An IMHA is "
            "on your side. They can help you understand your rights and have your say.",
        ),
    ),
    DemoLeaflet(
        slug="going-to-a-tribunal-easy-read-demo",
        title="Going to a tribunal: easy read (demo)",
        summary="An easy read guide to what happens at a mental health tribunal.",
        audience=Audience.PATIENT,
        topic=Topic.TRIBUNALS,
        easy_read=True,
        paragraphs=(
            "This is a demo leaflet made for trying out the website.",
            "A tribunal is a meeting. It decides if you still need to be on a section.",
            "You can bring a solicitor. The solicitor is free.",
            "An advocate can help you get ready. They can come with you.",
            "You can say what you think. The tribunal will listen.",
        ),
    ),
    DemoLeaflet(
        slug="a-guide-for-nearest-relatives-demo",
        title="A guide for nearest relatives (demo)",
        summary="What the nearest relative can do, and how an advocate can help the person "
        "you care about.",
        audience=Audience.FAMILY,
        topic=Topic.NEAREST_RELATIVE,
        easy_read=False,
        paragraphs=(
            "This is a demo leaflet made for trying out the website. It is not legal advice.",
            "The nearest relative is a family member the Mental Health Act gives some "
            "rights to. It is not always the person's next of kin.",
            "The nearest relative can ask for the person to be discharged from some "
            "sections, and must usually be told about them.",
            "You can refer the person you care about to our IMHA service. The advocate "
            "works for the person, not for the family, but they can explain the process.",
        ),
    ),
)


def leaflet_pdf(title: str, paragraphs: tuple[str, ...]) -> bytes:
    """A plain one-page PDF with a title and some paragraphs."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_author("Exampleshire IMHA Service (demo)")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.multi_cell(0, 10, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("Helvetica", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 7, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    return bytes(pdf.output())


def _load_leaflet(leaflet: DemoLeaflet) -> Resource:
    resource, _ = Resource.objects.update_or_create(
        slug=leaflet.slug,
        defaults={
            "title": leaflet.title,
            "summary": leaflet.summary,
            "audience": leaflet.audience,
            "topic": leaflet.topic,
            "language": Language.ENGLISH,
            "easy_read": leaflet.easy_read,
            "is_published": True,
        },
    )
    if not resource.versions.exists():
        content = leaflet_pdf(leaflet.title, leaflet.paragraphs)
        version = ResourceVersion(
            resource=resource,
            number=1,
            file_kind=FileKind.PDF,
            size_bytes=len(content),
            change_note="Demo leaflet",
            published_at=timezone.now(),
        )
        version.file.save(f"{leaflet.slug}.pdf", ContentFile(content), save=False)
        version.save()
    resource.current_version = (
        resource.versions.filter(published_at__isnull=False).order_by("-number").first()
    )
    resource.save(update_fields=["current_version"])
    return resource


DEMO_STORY_SLUG = "getting-leave-back-on-track-demo"
DEMO_STORY_BODY = """\
Jordan* had been on a ward for a few months when they asked to meet an advocate. Their \
leave had been stopped after a missed return time, and nobody had explained what would \
happen next.

The advocate met Jordan* on the ward and went through what had happened. Jordan* wanted \
to show the team that they could manage short walks again, and wanted the team to know \
that the missed return was because a bus did not come.

Together they wrote down what Jordan* wanted to say. At the next ward round the advocate \
sat with Jordan* and made sure each point was heard. The team agreed a plan: short \
escorted walks first, then unescorted leave if those went well.

"I felt listened to for the first time," Jordan* said. "I didn't have to shout to be \
heard."

This is a demo story written for trying out the website. Jordan* is not a real person."""


def _load_story() -> Story:
    story, _ = Story.objects.update_or_create(
        slug=DEMO_STORY_SLUG,
        defaults={
            "title": "Getting leave back on track (demo)",
            "summary": "How an advocate helped Jordan* have their say about leave at a ward round.",
            "body": DEMO_STORY_BODY,
            "changed_name": "Jordan*",
            **{field: True for field, _label in ANONYMISATION_CHECKS},
        },
    )
    StoryConsent.objects.update_or_create(
        story=story,
        defaults={
            "given_by": "Riley Examplename (fictional)",
            "relationship": "The person the story is about",
            "given_on": timezone.localdate() - timedelta(days=30),
            "method": ConsentMethod.SIGNED_FORM,
            "where_kept": "Demo consent folder",
        },
    )
    if not story.is_published:
        story.is_published = True
        story.published_at = timezone.now()
        story.save(update_fields=["is_published", "published_at"])
    return story


def _at(days_from_today: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days_from_today)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _load_events() -> list[Event]:
    events = [
        (
            "Mental Health Act masterclass for ward staff (demo)",
            "A morning for nurses and support workers on patients' rights and when to refer "
            "to an IMHA.\n\nThis is a demo event.",
            _at(21, 10),
            _at(21, 12, 30),
            False,
            "Exampletown Community Centre, 3 Pretend Street, Exampletown, EX0 0AD",
        ),
        (
            "Drop-in: what an IMHA does (demo)",
            "A short online session for families and carers, with time for questions.\n\n"
            "This is a demo event.",
            _at(35, 18),
            _at(35, 19),
            True,
            "",
        ),
        (
            "Getting ready for a tribunal workshop (demo)",
            "A workshop for advocates and peer supporters on helping people prepare for a "
            "tribunal.\n\nThis is a demo event.",
            _at(-30, 13),
            _at(-30, 16),
            False,
            "Imaginary Library, Makebelieve Road, Exampletown, EX0 0AE",
        ),
    ]
    loaded = []
    for title, description, starts_at, ends_at, online, venue in events:
        event, _ = Event.objects.update_or_create(
            title=title,
            defaults={
                "description": description,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "is_online": online,
                "venue": venue,
                "booking_contact": "Email training@imha.example.org or phone 01632 960 000",
                "is_published": True,
            },
        )
        loaded.append(event)
    return loaded


@transaction.atomic
def load_demo_library() -> None:
    """Add the demo leaflets, story and events. Safe to run again."""
    for leaflet in DEMO_LEAFLETS:
        _load_leaflet(leaflet)
    _load_story()
    _load_events()
