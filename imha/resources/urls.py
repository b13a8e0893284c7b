from django.urls import path

from imha.resources.eligibility import QUESTIONS
from imha.resources.views import (
    CHECKER_PAGE,
    INFORMATION_PAGES,
    checker_question,
    checker_result,
    information_page,
)

app_name = "resources"

urlpatterns = [
    *[
        path(page.path, information_page, {"page": page}, name=page.url_name)
        for page in INFORMATION_PAGES
    ],
    path(CHECKER_PAGE.path, information_page, {"page": CHECKER_PAGE}, name=CHECKER_PAGE.url_name),
    *[
        path(
            f"{CHECKER_PAGE.path}{question.slug}/",
            checker_question,
            {"question": question},
            name=f"checker_{question.key}",
        )
        for question in QUESTIONS
    ],
    path(f"{CHECKER_PAGE.path}result/", checker_result, name="checker_result"),
]
