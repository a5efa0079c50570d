"""Fixed vocabularies for products. Data categories follow the schedule of data (Exhibit B) of the
Student Data Privacy Consortium's National Data Privacy Agreement, so a product's "data it
collects" can be compared with what a DPA covers."""

from __future__ import annotations

GRADE_BANDS = [("PK", "Pre-K"), ("K-2", "K-2"), ("3-5", "3-5"), ("6-8", "6-8"),
               ("9-12", "9-12"), ("adult", "Adult / staff")]
UNDER_13_BANDS = ("PK", "K-2", "3-5", "6-8")

SUBJECTS = [("ela", "English language arts"), ("math", "Mathematics"), ("science", "Science"),
            ("social_studies", "Social studies"), ("world_languages", "World languages"),
            ("arts", "Arts"), ("cte", "Career and technical education"),
            ("sped", "Special education"), ("sel", "Social-emotional learning"),
            ("general", "General / cross-curricular"), ("operations", "School operations")]

INTEROPERABILITY = [("oneroster", "OneRoster 1.2"), ("lti13", "LTI 1.3"), ("edfi", "Ed-Fi"),
                    ("clever", "Clever"), ("classlink", "ClassLink"),
                    ("google_sso", "Google sign-in"), ("microsoft_sso", "Microsoft sign-in"),
                    ("sso_saml_oidc", "SAML / OIDC single sign-on")]

# What a product is (issue 14: device, software, content, service), apart from how it is priced.
PRODUCT_FAMILIES = [("device", "Device"), ("software", "Software"), ("content", "Content"),
                    ("service", "Service")]

# The unit a product's price is usually quoted in.
PRICE_UNITS = [("per_student", "Per student"), ("per_teacher", "Per teacher"),
               ("per_device", "Per device"), ("per_site", "Per site"), ("per_district", "Per district"),
               ("per_session", "Per session or workshop")]

# The price unit a product of each family usually has, when none is given.
DEFAULT_PRICE_UNIT = {"device": "per_device", "software": "per_student", "content": "per_student",
                      "service": "per_session"}

# Languages a product's student- or family-facing interface is offered in (ISO 639-1 codes): the
# languages most spoken by English learners in US schools first.
LANGUAGES = [("en", "English"), ("es", "Spanish"), ("ar", "Arabic"), ("zh", "Chinese"),
             ("vi", "Vietnamese"), ("pt", "Portuguese"), ("ru", "Russian"), ("so", "Somali"),
             ("ht", "Haitian Creole"), ("ko", "Korean"), ("tl", "Tagalog"), ("fr", "French"),
             ("hmn", "Hmong"), ("uk", "Ukrainian"), ("pa", "Punjabi"), ("hy", "Armenian"),
             ("fa", "Persian"), ("ja", "Japanese"), ("nv", "Navajo")]

# Accessibility conformance the vendor claims, from its VPAT / Accessibility Conformance Report.
ACCESSIBILITY = [("wcag21aa", "Conforms to WCAG 2.1 AA"),
                 ("wcag21aa_partial", "Partially conforms to WCAG 2.1 AA"),
                 ("not_evaluated", "Not evaluated")]

# ESSA tiers of evidence (Every Student Succeeds Act, section 8101(21)): 1 is strongest.
ESSA_TIERS = [(1, "Tier 1: strong evidence"), (2, "Tier 2: moderate evidence"),
              (3, "Tier 3: promising evidence"), (4, "Tier 4: demonstrates a rationale")]

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
