"""Fixed vocabularies for products. Data categories follow the schedule of data (Exhibit B) of the
Student Data Privacy Consortium's National Data Privacy Agreement, so a product's "data it
collects" can be compared with what a DPA covers."""

from __future__ import annotations

from django.db import models


class ProductKind(models.TextChoices):
    SOFTWARE_PER_STUDENT = "software_per_student", "Software licence per student"
    SOFTWARE_PER_TEACHER = "software_per_teacher", "Software licence per teacher"
    SOFTWARE_PER_SITE = "software_per_site", "Software licence per site"
    DEVICE = "device", "Device"
    SERVICE = "service", "Service"


GRADE_BANDS = [("PK", "Pre-K"), ("K-2", "K-2"), ("3-5", "3-5"), ("6-8", "6-8"),
               ("9-12", "9-12"), ("adult", "Adult / staff")]
UNDER_13_BANDS = ("PK", "K-2", "3-5", "6-8")

SUBJECTS = [("ela", "English language arts"), ("math", "Mathematics"), ("science", "Science"),
            ("social_studies", "Social studies"), ("world_languages", "World languages"),
            ("arts", "Arts"), ("cte", "Career and technical education"),
            ("sped", "Special education"), ("sel", "Social-emotional learning"),
            ("general", "General / cross-curricular"), ("operations", "School operations")]

INTEROPERABILITY = [("oneroster", "OneRoster"), ("lti13", "LTI 1.3"), ("clever", "Clever"),
                    ("classlink", "ClassLink"), ("sso_saml_oidc", "SAML / OIDC single sign-on")]

# NDPA Exhibit B schedule of data (category names shortened).
DATA_CATEGORIES = [
    ("app_technology_metadata", "Application technology metadata"),
    ("app_use_statistics", "Application use statistics"),
    ("assessment", "Assessment"),
    ("attendance", "Attendance"),
    ("communications", "Communications"),
    ("conduct", "Conduct"),
    ("demographics", "Demographics"),
    ("enrollment", "Enrollment"),
    ("parent_contact", "Parent/guardian contact information"),
    ("parent_id", "Parent/guardian ID"),
    ("parent_name", "Parent/guardian name"),
    ("schedule", "Schedule"),
    ("special_indicator", "Special indicator"),
    ("student_contact", "Student contact information"),
    ("student_identifiers", "Student identifiers"),
    ("student_in_app_performance", "Student in-app performance"),
    ("student_program_membership", "Student program membership"),
    ("student_survey_responses", "Student survey responses"),
    ("student_work", "Student work"),
    ("transcript", "Transcript"),
    ("transportation", "Transportation"),
    ("other", "Other"),
]
