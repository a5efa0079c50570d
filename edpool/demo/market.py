"""Demo: the wider market of issue 14. Products vendors registered, most on no agreement yet, so
that finding the right edtech for a need has a real catalog to search: 40 kinds of product
(phonics programs to charging carts) from the 26 demo vendors and 20 more, each with its facts
(grade bands, subjects, languages, interoperability, accessibility, ESSA tier, student data,
price unit). Deterministic: the same names, descriptions and facts on every build.

Invented companies and products; any likeness to a real one is accidental. Study links point at
example.org. `TYPES` is also what the matching evaluation set (bench/data/matching_eval.yaml)
was labelled against: each product's `kind_of_product` says what a knowledgeable buyer would
call it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

K2, G35, G68, HS = "K-2", "3-5", "6-8", "9-12"
K5, K8, ALL = [K2, G35], [K2, G35, G68], [K2, G35, G68, HS]
LEARN_DATA = ["student_identifiers", "student_in_app_performance", "app_use_statistics"]

# New categories (code, name) beside those of edpool/demo/people.py.
CATEGORIES = [
    ("sel", "Social-emotional learning"),
    ("tutoring", "Tutoring and intervention services"),
    ("stem", "Computer science and STEM"),
    ("languages", "English learners and world languages"),
    ("audio-visual", "Classroom audio and cameras"),
    ("accessories", "Device accessories and carts"),
    ("social-studies", "Social studies"),
    ("arts", "Arts and music"),
    ("family", "Family engagement"),
]

# (name, state, categories): vendors that registered but bid on nothing yet.
VENDORS = [
    ("Aspen Literacy", "CO", ["reading", "assessment"]),
    ("Beacon Tutoring", "MD", ["tutoring"]),
    ("Compass SEL", "MN", ["sel"]),
    ("Dogwood Devices", "NC", ["chromebooks", "laptops", "tablets"]),
    ("Ember Coding", "CA", ["stem"]),
    ("Fern Language Labs", "TX", ["languages"]),
    ("Gull Audio Visual", "FL", ["audio-visual", "displays"]),
    ("Heron Science", "WA", ["science"]),
    ("Iris Assessment Partners", "IL", ["assessment"]),
    ("Jasper Robotics", "MI", ["stem"]),
    ("Kite Reading", "OR", ["reading"]),
    ("Lupine Learning Systems", "UT", ["lms", "sis"]),
    ("Maple Therapy Services", "OH", ["special-ed"]),
    ("Nimbus Networks", "AZ", ["networking"]),
    ("Osprey Writing", "MA", ["reading"]),
    ("Prairie Civics", "KS", ["social-studies"]),
    ("Quill Math", "NJ", ["math", "tutoring"]),
    ("Raven Accessories", "TN", ["accessories"]),
    ("Sparrow Music", "TN", ["arts"]),
    ("Thistle Family Connect", "PA", ["family", "sis"]),
]


@dataclass(frozen=True)
class ProductType:
    """A kind of product: what a knowledgeable buyer calls it, and how it is described."""

    key: str
    category: str
    kind: str  # device, software, content, service
    unit: str
    price: tuple[str, str]
    grades: list[str]
    subjects: list[str]
    stems: list[str]  # product names are "<brand> <stem>"
    description: str
    interop: list[str] = field(default_factory=list)  # a product gets some of these
    collects: bool = True
    evidence: bool = False  # may have an ESSA tier


SW_INTEROP = ["oneroster", "clever", "classlink", "lti13", "google_sso", "microsoft_sso"]

TYPES = [
    ProductType("phonics", "reading", "software", "student/year", ("6", "16"), [K2], ["ela"],
                ["Phonics Path", "Letter Lab", "Sound Steps"],
                "Systematic, explicit phonics for kindergarten to grade 2: foundational reading skills, "
                "phonemic awareness, letter sounds, decoding and decodable texts, with a teacher dashboard.", SW_INTEROP, evidence=True),
    ProductType("reading_intervention", "reading", "software", "student/year", ("9", "24"), [G35, G68], ["ela"],
                ["Reading Rescue", "Fluency Boost", "Comprehension Coach"],
                "Reading intervention for struggling readers in grades 3 to 8: fluency, vocabulary and "
                "comprehension, with progress monitoring for MTSS tier 2 and tier 3.", SW_INTEROP, evidence=True),
    ProductType("dyslexia_screener", "assessment", "software", "student/year", ("3", "9"), [K2, G35], ["ela"],
                ["Dyslexia Screener", "Early Literacy Screener"],
                "Universal screener for dyslexia risk and early literacy skills from kindergarten to grade "
                "3, with reports for families.", SW_INTEROP, evidence=True),
    ProductType("ebooks", "library", "content", "student/year", ("2", "8"), ALL, ["ela"],
                ["eBook Library", "Audiobook Shelf"],
                "Digital library of e-books and audiobooks for every grade, with read-aloud, leveled "
                "collections and offline reading.", ["clever", "classlink", "google_sso"]),
    ProductType("writing", "reading", "software", "student/year", ("7", "18"), [G68, HS], ["ela"],
                ["Writing Studio", "Essay Coach"],
                "Writing instruction for grades 6 to 12: argumentative and informative essays, revision "
                "checklists and teacher feedback on drafts.", SW_INTEROP, evidence=True),
    ProductType("math_k5", "math", "software", "student/year", ("5", "14"), K5, ["math"],
                ["Number Sense", "Math Garden", "Fact Fluency"],
                "Adaptive elementary math practice: counting, place value, fact fluency and word problems "
                "for kindergarten to grade 5.", SW_INTEROP, evidence=True),
    ProductType("math_secondary", "math", "software", "student/year", ("8", "20"), [G68, HS], ["math"],
                ["Algebra Pathways", "Geometry Lab"],
                "Middle and high school mathematics: pre-algebra, algebra I, geometry and algebra II, with "
                "worked examples and teacher dashboards.", SW_INTEROP, evidence=True),
    ProductType("math_intervention", "math", "software", "student/year", ("10", "25"), [G35, G68], ["math"],
                ["Math Recovery", "Math Intervention Tutor"],
                "Math intervention for students below grade level in grades 3 to 8: diagnostic placement, "
                "fractions and number sense, small-group lessons.", SW_INTEROP, evidence=True),
    ProductType("science", "science", "content", "student/year", ("6", "15"), [G35, G68], ["science"],
                ["Science Explorations", "Virtual Labs"],
                "Phenomena-based science units for grades 3 to 8 with virtual labs, simulations and "
                "performance tasks (NGSS).", SW_INTEROP, evidence=True),
    ProductType("hs_science", "science", "software", "student/year", ("6", "14"), [HS], ["science"],
                ["Chemistry Simulations", "Physics Sims", "Biology Lab"],
                "High school chemistry, physics and biology simulations and virtual labs with lab reports.",
                SW_INTEROP),
    ProductType("lms", "lms", "software", "student/year", ("4", "12"), ALL, ["general"],
                ["Learning Platform", "Classroom Hub"],
                "Learning management system: courses, assignments, quizzes and a gradebook, LTI 1.3 tools "
                "with grade passback, and a parent view.", ["lti13", "oneroster", "google_sso", "microsoft_sso",
                                                            "sso_saml_oidc", "clever", "classlink"]),
    ProductType("sis", "sis", "software", "student/year", ("6", "15"), ALL, ["operations"],
                ["Student Information System", "Attendance and Grades"],
                "Student information system: enrolment, attendance, scheduling, report cards and state "
                "reporting (Ed-Fi).", ["edfi", "oneroster", "sso_saml_oidc"]),
    ProductType("rostering", "rostering-sso", "software", "student/year", ("1", "4"), ALL, ["operations"],
                ["Rostering Hub", "Single Sign-On Portal"],
                "Automated rostering from the SIS to every app (OneRoster) and single sign-on for students "
                "and staff, with QR-code badges for young learners.",
                ["oneroster", "sso_saml_oidc", "google_sso", "microsoft_sso", "edfi"]),
    ProductType("web_filter", "safety", "software", "device", ("8", "22"), ALL, ["operations"],
                ["Web Filter", "Safety Monitor"],
                "CIPA-compliant web content filtering for Chromebooks and the school network, with "
                "alerts for self-harm and cyberbullying.", ["google_sso", "microsoft_sso"]),
    ProductType("chromebook", "chromebooks", "device", "device", ("239", "429"), K8 + [HS], ["general"],
                ["Chromebook 11", "Chromebook 14 Touch", "Flip Chromebook"],
                "Rugged student Chromebook for 1:1 programs: spill-resistant keyboard, 10-hour battery, "
                "ready for Chrome Education Upgrade.", collects=False),
    ProductType("laptop", "laptops", "device", "device", ("449", "899"), [HS, "adult"], ["general"],
                ["Windows Laptop 14", "Teacher Laptop 15"],
                "Windows 11 laptop for secondary students and teachers: 16 GB memory, solid-state drive, "
                "three-year accidental damage warranty.", collects=False),
    ProductType("tablet", "tablets", "device", "device", ("229", "399"), ["PK", K2, G35], ["general"],
                ["Tablet 10", "Kids Tablet 8"],
                "Tablet for early grades with a drop-proof case, stylus and shared-device mode, managed "
                "through mobile device management.", collects=False),
    ProductType("display", "displays", "device", "display", ("2400", "5200"), ALL, ["general"],
                ["Interactive Display 75", "Interactive Flat Panel 86"],
                "4K interactive flat panel for classrooms: 20-point touch, wireless screen casting from "
                "Chromebooks, wall mount and installation.", collects=False),
    ProductType("wifi", "networking", "device", "device", ("380", "900"), ALL, ["operations"],
                ["Wi-Fi 6 Access Point", "Campus Switch 48"],
                "Wi-Fi 6 wireless access points and network switches for school campuses, E-Rate "
                "category 2 eligible, with cloud management.", collects=False),
    ProductType("hotspot", "networking", "service", "device", ("120", "260"), ALL, ["operations"],
                ["Student Hotspot Plan", "LTE Hotspot"],
                "Mobile hotspot with a year of unlimited filtered data for students without internet at "
                "home (homework gap).", collects=False),
    ProductType("iep", "special-ed", "software", "student/year", ("12", "30"), ALL, ["sped"],
                ["IEP Manager", "Special Education Case Manager"],
                "IEP writing, compliance timelines, progress reporting and Medicaid billing for special "
                "education teams.", ["oneroster", "edfi", "sso_saml_oidc"]),
    ProductType("teletherapy", "special-ed", "service", "session", ("55", "95"), ALL, ["sped"],
                ["Teletherapy", "Speech Therapy Online"],
                "Speech-language therapy, occupational therapy and school psychology services delivered "
                "online by licensed clinicians."),
    ProductType("sel", "sel", "software", "student/year", ("3", "10"), K8, ["sel"],
                ["SEL Circles", "Wellbeing Check-In"],
                "Social-emotional learning lessons and daily student wellbeing check-ins, with alerts for "
                "counselors.", SW_INTEROP, evidence=True),
    ProductType("tutoring", "tutoring", "service", "student/year", ("300", "1200"), [G35, G68, HS], ["math", "ela"],
                ["High-Dosage Tutoring", "Online Tutoring"],
                "High-dosage tutoring in math and reading: three sessions a week in small groups with "
                "trained tutors, aligned to the school's curriculum.", ["clever", "google_sso"], evidence=True),
    ProductType("coding", "stem", "software", "student/year", ("4", "12"), [G35, G68, HS], ["cte", "science"],
                ["Coding Academy", "Computer Science Pathway"],
                "Computer science and coding curriculum from block-based coding to Python, with lesson "
                "plans for teachers new to computer science.", SW_INTEROP),
    ProductType("robotics", "stem", "device", "kit", ("180", "650"), [G35, G68, HS], ["science", "cte"],
                ["Robotics Kit", "STEM Engineering Kit"],
                "Classroom robotics and engineering kits with sensors, motors and a coding app, for STEM "
                "classes and clubs.", collects=False),
    ProductType("ell", "languages", "software", "student/year", ("10", "28"), ALL, ["ela", "world_languages"],
                ["English Learner Studio", "Language Bridge"],
                "English language development for newcomers and English learners, with instructions in the "
                "home language and speaking practice.", SW_INTEROP, evidence=True),
    ProductType("world_language", "languages", "software", "student/year", ("6", "16"), [G68, HS], ["world_languages"],
                ["Spanish Online", "World Language Lab"],
                "World language courses for middle and high school: Spanish, French and Mandarin, with "
                "speaking practice and assessments.", SW_INTEROP),
    ProductType("pd", "pd", "service", "workshop", ("1500", "4500"), ["adult"], ["general"],
                ["Instructional Coaching", "Teacher Workshops"],
                "Professional development for teachers: on-site workshops and instructional coaching "
                "cycles on the adopted curriculum.", collects=False),
    ProductType("benchmark", "assessment", "software", "student/year", ("4", "12"), K8, ["ela", "math"],
                ["Benchmark Assessment", "Interim Assessments"],
                "Benchmark and interim assessments in reading and math three times a year, with growth "
                "reports for teachers and principals.", SW_INTEROP),
    ProductType("test_prep", "assessment", "software", "student/year", ("8", "20"), [HS], ["ela", "math"],
                ["SAT Prep", "AP Exam Prep"],
                "College entrance and Advanced Placement exam preparation with practice tests and "
                "personalized study plans.", SW_INTEROP),
    ProductType("headphones", "accessories", "device", "device", ("9", "35"), ALL, ["general"],
                ["Classroom Headsets", "Student Earbuds"],
                "Durable over-ear headphones and headsets with a microphone for testing, reading programs "
                "and language labs.", collects=False),
    ProductType("charging_cart", "accessories", "device", "cart", ("900", "2400"), ALL, ["general"],
                ["Charging Cart 36", "Charging Locker"],
                "Charging cart for 36 Chromebooks or tablets with timed charging, lock and cable "
                "management.", collects=False),
    ProductType("doc_camera", "audio-visual", "device", "device", ("90", "260"), ALL, ["general"],
                ["Document Camera", "Visualizer HD"],
                "HD document camera for classrooms: show books, worksheets and experiments on the "
                "interactive display.", collects=False),
    ProductType("classroom_audio", "audio-visual", "device", "classroom", ("700", "1800"), ALL, ["general"],
                ["Classroom Audio System", "Teacher Microphone"],
                "Classroom sound system with a teacher microphone and ceiling speakers so every student "
                "hears the lesson.", collects=False),
    ProductType("civics", "social-studies", "content", "student/year", ("4", "11"), [G68, HS], ["social_studies"],
                ["Civics Interactive", "History Lab"],
                "Social studies curriculum for civics and US history with primary sources, simulations and "
                "debates.", SW_INTEROP),
    ProductType("music", "arts", "software", "student/year", ("3", "9"), ALL, ["arts"],
                ["Music Studio", "Art Lab"],
                "Music and visual arts in the browser: composing, practice tracking and digital art "
                "lessons.", SW_INTEROP),
    ProductType("family_messaging", "family", "software", "student/year", ("1", "5"), ALL, ["operations"],
                ["Family Messaging", "Parent Connect"],
                "Two-way messaging with families, translated automatically into their home languages, "
                "with attendance alerts and newsletters.", ["oneroster", "sso_saml_oidc"]),
    ProductType("cte", "stem", "content", "student/year", ("10", "30"), [HS], ["cte"],
                ["Career Pathways", "Health Science Pathway"],
                "Career and technical education courses with industry certification preparation for high "
                "school pathways.", SW_INTEROP),
    ProductType("mental_health", "sel", "service", "student/year", ("20", "60"), [G68, HS], ["sel"],
                ["Student Counseling Online", "Mental Health Support"],
                "Telehealth counseling for students by licensed therapists, referred by school counselors, "
                "with family consent."),
]

BY_KEY = {t.key: t for t in TYPES}

# Which vendors (demo vendors of edpool/demo/people.py and the ones above) make which kinds.
MAKERS: dict[str, list[str]] = {
    "phonics": ["Bluebird Learning", "Orchard Reading Co.", "Aspen Literacy", "Kite Reading", "Yarrow Accessibility Tools"],
    "reading_intervention": ["Bluebird Learning", "Aspen Literacy", "Kite Reading", "Harbor Library Services", "Osprey Writing"],
    "dyslexia_screener": ["Aspen Literacy", "Iris Assessment Partners", "Indigo Assessment", "Lighthouse Special Ed"],
    "ebooks": ["Harbor Library Services", "Orchard Reading Co.", "Kite Reading", "Yarrow Accessibility Tools"],
    "writing": ["Osprey Writing", "Aspen Literacy", "Granite LMS"],
    "math_k5": ["Evergreen Math Lab", "Tidewater Math", "Quill Math", "Aspen Literacy"],
    "math_secondary": ["Evergreen Math Lab", "Quill Math", "Tidewater Math"],
    "math_intervention": ["Quill Math", "Evergreen Math Lab", "Beacon Tutoring"],
    "science": ["Summit Science Studio", "Heron Science", "Sierra Learning Platform"],
    "hs_science": ["Heron Science", "Summit Science Studio"],
    "lms": ["Granite LMS", "Sierra Learning Platform", "Lupine Learning Systems"],
    "sis": ["Meridian Student Systems", "Willow SIS", "Lupine Learning Systems", "Delta Rostering"],
    "rostering": ["Delta Rostering", "Meridian Student Systems", "Lupine Learning Systems"],
    "web_filter": ["Kestrel Safety", "Foxglove Networks", "Zephyr Wi-Fi"],
    "chromebook": ["Acorn Device Works", "Juniper Devices", "Redwood Laptops", "Dogwood Devices"],
    "laptop": ["Redwood Laptops", "Acorn Device Works", "Dogwood Devices"],
    "tablet": ["Upland Tablets", "Cedar Classroom Tech", "Juniper Devices", "Dogwood Devices"],
    "display": ["Northstar Displays", "Cedar Classroom Tech", "Valley Interactive", "Gull Audio Visual"],
    "wifi": ["Foxglove Networks", "Quarry Networks", "Zephyr Wi-Fi", "Nimbus Networks"],
    "hotspot": ["Nimbus Networks", "Quarry Networks", "Zephyr Wi-Fi"],
    "iep": ["Lighthouse Special Ed", "Maple Therapy Services", "Willow SIS"],
    "teletherapy": ["Maple Therapy Services", "Lighthouse Special Ed"],
    "sel": ["Compass SEL", "Pinecone PD", "Kite Reading"],
    "tutoring": ["Beacon Tutoring", "Quill Math", "Compass SEL"],
    "coding": ["Ember Coding", "Jasper Robotics", "Summit Science Studio"],
    "robotics": ["Jasper Robotics", "Ember Coding", "Heron Science"],
    "ell": ["Fern Language Labs", "Yarrow Accessibility Tools", "Orchard Reading Co."],
    "world_language": ["Fern Language Labs", "Sparrow Music"],
    "pd": ["Pinecone PD", "Valley Interactive", "Granite LMS", "Compass SEL"],
    "benchmark": ["Indigo Assessment", "Iris Assessment Partners", "Bluebird Learning", "Sierra Learning Platform"],
    "test_prep": ["Iris Assessment Partners", "Beacon Tutoring", "Osprey Writing"],
    "headphones": ["Raven Accessories", "Gull Audio Visual", "Upland Tablets"],
    "charging_cart": ["Raven Accessories", "Cedar Classroom Tech", "Juniper Devices"],
    "doc_camera": ["Gull Audio Visual", "Northstar Displays", "Valley Interactive"],
    "classroom_audio": ["Gull Audio Visual", "Valley Interactive"],
    "civics": ["Prairie Civics", "Harbor Library Services"],
    "music": ["Sparrow Music", "Ember Coding"],
    "family_messaging": ["Thistle Family Connect", "Willow SIS", "Meridian Student Systems"],
    "cte": ["Ember Coding", "Prairie Civics", "Pinecone PD"],
    "mental_health": ["Compass SEL", "Maple Therapy Services"],
}

LANGUAGE_SETS = [["en"], ["en", "es"], ["en", "es"], ["en", "es", "vi", "zh"],
                 ["en", "es", "ar", "zh", "vi", "pt", "ru", "so", "ht", "ko", "tl", "fr"]]
PRICE_UNITS = {"student/year": "per_student", "device": "per_device", "display": "per_device",
               "session": "per_session", "workshop": "per_session", "kit": "per_device", "cart": "per_device",
               "classroom": "per_site"}


@dataclass
class MarketProduct:
    vendor: str
    name: str
    type_key: str
    category: str
    kind: str
    description: str
    list_price: Decimal
    unit: str
    price_unit: str
    grade_bands: list[str]
    subjects: list[str]
    languages: list[str]
    interoperability: list[str]
    accessibility: str
    essa_tier: int | None
    essa_study_url: str
    data_collected: list[str]


def brand(vendor: str) -> str:
    return vendor.split()[0]


def _rng(name: str) -> random.Random:
    return random.Random(int(hashlib.sha256(name.encode()).hexdigest()[:12], 16))


def market_products() -> list[MarketProduct]:
    """Every market product, in a fixed order."""
    out = []
    for t in TYPES:
        for index, vendor in enumerate(MAKERS[t.key]):
            stems = [t.stems[index % len(t.stems)]]
            if index < 2 and len(t.stems) > 1:  # the first two makers offer two models
                stems.append(t.stems[(index + 1) % len(t.stems)])
            for stem in stems:
                name = f"{brand(vendor)} {stem}"
                rng = _rng(name)
                low, high = Decimal(t.price[0]), Decimal(t.price[1])
                price = (low + (high - low) * Decimal(rng.randint(0, 100)) / 100).quantize(Decimal("1"))
                price = price - Decimal("0.01") if price > 20 else price + Decimal("0.50")
                grades = list(t.grades)
                if len(grades) > 2 and rng.random() < 0.3:
                    grades = grades[:-1] if rng.random() < 0.5 else grades[1:]
                interop = sorted(rng.sample(t.interop, k=min(len(t.interop), rng.randint(1, 3)))) if t.interop else []
                device = t.kind == "device"
                languages = [] if device else rng.choice(LANGUAGE_SETS)
                accessibility = "not_evaluated" if device else rng.choice(
                    ["wcag21aa", "wcag21aa", "wcag21aa_partial", "not_evaluated"])
                tier = rng.choice([1, 2, 3, 3, 4, None]) if t.evidence else None
                study = f"https://studies.example.org/{name.lower().replace(' ', '-')}" if tier else ""
                out.append(MarketProduct(
                    vendor=vendor, name=name, type_key=t.key, category=t.category, kind=t.kind,
                    description=t.description, list_price=price, unit=t.unit,
                    price_unit=PRICE_UNITS.get(t.unit, "per_student"), grade_bands=grades,
                    subjects=list(t.subjects), languages=languages, interoperability=interop,
                    accessibility=accessibility, essa_tier=tier, essa_study_url=study,
                    data_collected=list(LEARN_DATA) if t.collects and not device else []))
    return out


def build_market_demo(report) -> None:
    """The vendors and products above, through the catalog and vendor services. Idempotent."""
    from django.utils.text import slugify

    from accounts.acting import Actor
    from catalog.models import Category, Product
    from catalog.services import ProductData, category_ensure, product_create
    from orgs.models import Organisation
    from vendors.models import Vendor
    from vendors.services import vendor_create

    actor = Actor.system("edpool demo")
    for code, name in CATEGORIES:
        category_ensure(code=code, name=name, actor=actor)
    categories = {c.code: c for c in Category.objects.all()}
    existing = set(Organisation.objects.filter(kind="vendor").values_list("name", flat=True))
    for name, state, cats in VENDORS:
        if name not in existing:
            vendor_create(name=name, legal_name=f"{name}, Inc.", state=state,
                          website=f"https://{slugify(name)}.demo.edpool.org", contact_name="Sales desk",
                          contact_email=f"sales@{slugify(name)}.demo.edpool.org",
                          categories=[categories[c] for c in cats], actor=actor)
    vendors = {v.organisation.name: v for v in Vendor.objects.select_related("organisation")}
    have = set(Product.objects.values_list("vendor__organisation__name", "name"))
    added = 0
    for p in market_products():
        if (p.vendor, p.name) in have:
            continue
        product_create(vendor=vendors[p.vendor], actor=actor, data=ProductData(
            name=p.name, category=categories[p.category], kind=p.kind, list_price=p.list_price, unit=p.unit,
            description=p.description, price_unit=p.price_unit, grade_bands=p.grade_bands,
            subjects=p.subjects, languages=p.languages, interoperability=p.interoperability,
            data_collected=p.data_collected, accessibility=p.accessibility, essa_tier=p.essa_tier,
            essa_study_url=p.essa_study_url))
        added += 1
    report.add(f"Market: {added} products registered by {len({p.vendor for p in market_products()})} vendors "
               f"({Product.objects.count()} products from {Vendor.objects.count()} vendors in all).")
