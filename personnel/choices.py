"""Fixed vocabularies of the domain (see docs/glossary.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamCode(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision")
    ENFORCEMENT = "enforcement", _("Law enforcement")
    MONITORING = "monitoring", _("Monitoring")
    EIA = "eia", _("Environmental impact assessment")
    EMERGENCY = "emergency", _("Emergency response")


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Provincial department")
    CENTRE = "centre", _("Directly subordinate centre")
    CITY = "city", _("City bureau")
    COUNTY = "county", _("County branch")
    OFFICE = "office", _("Internal office")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    # Declared from lowest to highest: EDUCATION_ORDER relies on it.
    SECONDARY = "secondary", _("Secondary school or below")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTORATE = "doctorate", _("Doctorate")


EDUCATION_ORDER = {code: index for index, code in enumerate(Education.values)}


class RankLevel(models.TextChoices):
    """Rank levels that the 2023 cadre-training regulations set hours by."""

    DIVISION_AND_ABOVE = "division_and_above", _("County/division level and above")
    SECTION_AND_BELOW = "section_and_below", _("Township/section level and below")


class Rank(models.TextChoices):
    LEVEL1_INSPECTOR = "level1_inspector", _("Level-1 inspector")
    LEVEL2_INSPECTOR = "level2_inspector", _("Level-2 inspector")
    LEVEL1_RESEARCHER = "level1_researcher", _("Level-1 researcher")
    LEVEL2_RESEARCHER = "level2_researcher", _("Level-2 researcher")
    LEVEL3_RESEARCHER = "level3_researcher", _("Level-3 researcher")
    LEVEL4_RESEARCHER = "level4_researcher", _("Level-4 researcher")
    LEVEL1_PRINCIPAL = "level1_principal", _("Level-1 principal staff member")
    LEVEL2_PRINCIPAL = "level2_principal", _("Level-2 principal staff member")
    LEVEL3_PRINCIPAL = "level3_principal", _("Level-3 principal staff member")
    LEVEL4_PRINCIPAL = "level4_principal", _("Level-4 principal staff member")
    LEVEL1_CLERK = "level1_clerk", _("Level-1 staff member")
    LEVEL2_CLERK = "level2_clerk", _("Level-2 staff member")


DIVISION_RANKS = {
    Rank.LEVEL1_INSPECTOR,
    Rank.LEVEL2_INSPECTOR,
    Rank.LEVEL1_RESEARCHER,
    Rank.LEVEL2_RESEARCHER,
    Rank.LEVEL3_RESEARCHER,
    Rank.LEVEL4_RESEARCHER,
}


def rank_level(rank: str) -> str:
    if rank in DIVISION_RANKS:
        return RankLevel.DIVISION_AND_ABOVE
    return RankLevel.SECTION_AND_BELOW


class TrainingKind(models.TextChoices):
    ONLINE = "online", _("Online course")
    CENTRALIZED = "centralized", _("Centralized training")
    ON_THE_JOB = "on_the_job", _("On-the-job training")
    FOLLOW_UP = "follow_up", _("Follow-up training")
    EXTERNAL = "external", _("External training")


class CourseCategory(models.TextChoices):
    POLITICAL_THEORY = "political_theory", _("Political theory")
    POLICY_REGULATIONS = "policy_regulations", _("Policy and regulations")
    PROFESSIONAL_SKILLS = "professional_skills", _("Professional skills")
    PRACTICAL_DRILLS = "practical_drills", _("Practical drills")
