"""Advocacy in action stories: consent, the anonymisation checklist and publishing."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from imha.audit.models import AuditAction, AuditEvent
from imha.resources import services
from imha.resources.models import ANONYMISATION_CHECKS, Story
from tests.resources.conftest import ALL_CHECKS, story_details

pytestmark = pytest.mark.django_db


def public_url(story: Story) -> str:
    return reverse("resources:story", args=[story.slug])


def test_a_story_with_consent_and_every_check_can_be_published(make_story, manager):
    story = make_story()
    services.publish_story(story=story, actor=manager)
    story.refresh_from_db()
    assert story.is_published and story.published_at is not None

    response = Client().get(public_url(story))
    assert response.status_code == 200
    page = response.content.decode()
    assert story.title in page and "Sam*" in page
    assert "Not their real name" in page
    assert story.title in Client().get(reverse("resources:stories")).content.decode()


def test_the_real_name_and_consent_details_never_reach_the_public_pages(make_story, manager):
    story = make_story()
    services.publish_story(story=story, actor=manager)
    client = Client()
    for url in (public_url(story), reverse("resources:stories")):
        page = client.get(url).content.decode()
        for secret in ("Veronica", "Realperson", "Stories consent folder", "Signed consent"):
            assert secret not in page


def test_publishing_without_consent_is_refused(make_story, manager):
    story = make_story(with_consent=False)
    with pytest.raises(services.LibraryRuleError) as refused:
        services.publish_story(story=story, actor=manager)
    assert refused.value.problems == ["Record the person's consent before publishing the story"]
    story.refresh_from_db()
    assert not story.is_published


@pytest.mark.parametrize(("missing", "label"), ANONYMISATION_CHECKS)
def test_publishing_with_any_check_unticked_is_refused(make_story, manager, missing, label):
    story = make_story(confirmed_checks=ALL_CHECKS - {missing})
    with pytest.raises(services.LibraryRuleError) as refused:
        services.publish_story(story=story, actor=manager)
    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith("Confirm every item in the anonymisation checklist")
    assert label in refused.value.problems[0]
    assert not Story.objects.get(pk=story.pk).is_published


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"changed_name": "Sam", "body": "Sam asked for help."}, "Mark the changed name with *"),
        ({"body": "An advocate helped someone."}, "Use the changed name, Sam*, in the story"),
        (
            {"body": "Sam* met Veronica's advocate."},
            "contains the real name of the person who gave consent: Veronica",
        ),
        ({"body": "Sam* went to a tribunal on 12/03/2025."}, "contains an exact date (12/03/2025)"),
        ({"body": "On 4th March Sam* went to a tribunal."}, "contains an exact date (4th March)"),
        ({"summary": "Sam* was heard on March 4."}, "contains an exact date (March 4)"),
    ],
)
def test_mechanical_checks_catch_common_slips(make_story, manager, overrides, problem):
    story = make_story(**overrides)
    with pytest.raises(services.LibraryRuleError) as refused:
        services.publish_story(story=story, actor=manager)
    assert any(problem in text for text in refused.value.problems), refused.value.problems


def test_withdrawn_consent_takes_the_story_down_and_stops_it_going_back(make_story, manager):
    story = make_story()
    services.publish_story(story=story, actor=manager)
    services.withdraw_consent(story=story, withdrawn_on=date(2026, 2, 1), actor=manager)
    story.refresh_from_db()
    assert not story.is_published
    assert Client().get(public_url(story)).status_code == 404
    with pytest.raises(services.LibraryRuleError, match="Consent was withdrawn"):
        services.publish_story(story=story, actor=manager)


def test_unpublished_stories_are_not_found(make_story, manager):
    draft = make_story(title="A draft")
    taken_down = make_story(title="Taken down")
    services.publish_story(story=taken_down, actor=manager)
    services.unpublish_story(story=taken_down, actor=manager)
    client = Client()
    for story in (draft, taken_down):
        assert client.get(public_url(story)).status_code == 404
        assert story.title not in client.get(reverse("resources:stories")).content.decode()


def test_only_managers_and_administrators_publish(make_story, advocate):
    story = make_story()
    with pytest.raises(services.LibraryRuleError):
        services.publish_story(story=story, actor=advocate)


def test_writers_may_change_drafts_but_not_published_stories(make_story, advocate, manager):
    story = make_story()
    services.update_story(story=story, details=story_details(title="Better title"), actor=advocate)
    services.publish_story(story=story, actor=manager)
    with pytest.raises(services.LibraryRuleError):
        services.update_story(story=story, details=story_details(title="Again"), actor=advocate)
    services.update_story(story=story, details=story_details(title="Again"), actor=manager)


def test_a_published_story_cannot_be_changed_to_break_the_rules(make_story, manager):
    story = make_story()
    services.publish_story(story=story, actor=manager)
    with pytest.raises(services.LibraryRuleError):
        services.update_story(
            story=story, details=story_details(confirmed_checks=frozenset()), actor=manager
        )
    assert Story.objects.get(pk=story.pk).check_name_changed


def test_consent_records_are_audited_without_the_real_name(make_story, manager):
    story = make_story()
    services.withdraw_consent(story=story, withdrawn_on=date(2026, 2, 1), actor=manager)
    entries = AuditEvent.objects.filter(object_type="story_consent")
    assert [entry.action for entry in entries] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert all("Veronica" not in entry.summary for entry in AuditEvent.objects.all())


def test_the_address_comes_from_the_title_checked_at_publishing(make_story, advocate, manager):
    story = make_story(title="Veronica on 12/03/2025")
    assert "veronica" in story.slug
    services.update_story(story=story, details=story_details(title="Heard at last"), actor=advocate)
    published = services.publish_story(story=story, actor=manager)
    assert published.slug == "heard-at-last"
    assert Client().get(public_url(published)).status_code == 200
