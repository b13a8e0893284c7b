from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from imha.resources.eligibility import Question, Redirect, question_step, result_step


@dataclass(frozen=True)
class InformationPage:
    url_name: str
    path: str
    template: str
    title: str


# The public information pages. Their words live in templates; their contact details come
# from settings, so each provider's copy shows its own.
INFORMATION_PAGES = [
    InformationPage("home", "", "resources/home.html", "Independent mental health advocacy"),
    InformationPage(
        "what_is_imha", "what-an-imha-does/", "resources/what_is_imha.html", "What an IMHA does"
    ),
    InformationPage(
        "rights", "rights/", "resources/rights.html", "Your rights and the advocate's rights"
    ),
    InformationPage(
        "who_qualifies",
        "who-can-get-an-imha/",
        "resources/who_qualifies.html",
        "Who can get an IMHA",
    ),
    InformationPage(
        "how_to_refer", "make-a-referral/", "resources/how_to_refer.html", "Make a referral"
    ),
    InformationPage("contact", "contact/", "resources/contact.html", "Contact us"),
    InformationPage(
        "accessibility",
        "accessibility/",
        "resources/accessibility.html",
        "Accessibility statement",
    ),
    InformationPage("privacy", "privacy/", "resources/privacy.html", "Privacy and cookies"),
]


def information_page(request: HttpRequest, page: InformationPage) -> HttpResponse:
    return render(request, page.template, {"page": page})


# The eligibility checker: a start page, one page per question and an answer page. The
# question flow lives in imha.resources.eligibility; the rules in imha.law.
CHECKER_PAGE = InformationPage(
    "checker",
    "check-if-you-can-get-an-imha/",
    "resources/checker/start.html",
    "Check if you can get an IMHA",
)


def checker_question(request: HttpRequest, question: Question) -> HttpResponse:
    step = question_step(question, request.GET)
    if isinstance(step, Redirect):
        return redirect(step.url)
    return render(request, "resources/checker/question.html", {"step": step, "form": step.form})


def checker_result(request: HttpRequest) -> HttpResponse:
    step = result_step(request.GET)
    if isinstance(step, Redirect):
        return redirect(step.url)
    return render(request, "resources/checker/result.html", {"result": step})
