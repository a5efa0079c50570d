"""The demo's fictional people and companies. All emails are under demo.edpool.org (not real)."""

DEMO_PASSWORD = "edpool-demo-2026"
CONSORTIUM_NAME = "Golden State EdTech Purchasing Consortium (demo)"
CONSORTIUM_SHORT = "GSEPC demo"

STAFF = [
    ("staff@demo.edpool.org", "Renee Okafor", True),   # also opens the Django admin
    ("procurement@demo.edpool.org", "Luis Carrillo", False),
]

# Districts get their people by position in the demo's sorted member list.
DISTRICT_PEOPLE = [
    # (index into demo member list, email, name, role)
    (0, "buyer1@demo.edpool.org", "Ana Reyes", "district_buyer"),
    (0, "approver1@demo.edpool.org", "Tom Becker", "district_approver"),
    (1, "buyer2@demo.edpool.org", "Grace Liu", "district_buyer"),
    (1, "approver2@demo.edpool.org", "Marcus Hill", "district_approver"),
    (2, "buyer3@demo.edpool.org", "Priya Natarajan", "district_buyer"),
    (2, "approver3@demo.edpool.org", "Dolores Vega", "district_approver"),
    (3, "buyer4@demo.edpool.org", "Sam Whitaker", "district_buyer"),
    (4, "buyer5@demo.edpool.org", "Keiko Tanaka", "district_buyer"),
    (5, "evaluator1@demo.edpool.org", "Hector Morales", "evaluator"),
    (6, "evaluator2@demo.edpool.org", "Jenna Park", "evaluator"),
    (7, "evaluator3@demo.edpool.org", "Olu Adeyemi", "evaluator"),
    # One person with two roles in two districts, to show role switching.
    (3, "multi@demo.edpool.org", "Chris Alvarez", "district_approver"),
    (8, "multi@demo.edpool.org", "Chris Alvarez", "evaluator"),
]

CATEGORIES = [
    ("chromebooks", "Devices: Chromebooks"),
    ("laptops", "Devices: Windows and Mac laptops"),
    ("tablets", "Devices: tablets"),
    ("displays", "Interactive displays"),
    ("networking", "Networking and Wi-Fi"),
    ("lms", "Learning management systems"),
    ("assessment", "Assessment and data"),
    ("reading", "Reading and literacy"),
    ("math", "Mathematics"),
    ("science", "Science"),
    ("sis", "Student information systems"),
    ("rostering-sso", "Rostering and single sign-on"),
    ("safety", "Content filtering and student safety"),
    ("special-ed", "Special education"),
    ("pd", "Professional development"),
    ("library", "Library and e-books"),
]

# (name, state, categories). Invented companies; any likeness to a real one is accidental.
VENDORS = [
    ("Acorn Device Works", "CA", ["chromebooks", "laptops"]),
    ("Bluebird Learning", "OR", ["reading", "assessment"]),
    ("Cedar Classroom Tech", "WA", ["displays", "tablets"]),
    ("Delta Rostering", "TX", ["rostering-sso", "sis"]),
    ("Evergreen Math Lab", "CA", ["math", "assessment"]),
    ("Foxglove Networks", "NV", ["networking", "safety"]),
    ("Granite LMS", "CO", ["lms", "pd"]),
    ("Harbor Library Services", "MA", ["library", "reading"]),
    ("Indigo Assessment", "IL", ["assessment"]),
    ("Juniper Devices", "AZ", ["chromebooks", "tablets"]),
    ("Kestrel Safety", "UT", ["safety"]),
    ("Lighthouse Special Ed", "FL", ["special-ed", "assessment"]),
    ("Meridian Student Systems", "NY", ["sis", "rostering-sso"]),
    ("Northstar Displays", "MN", ["displays"]),
    ("Orchard Reading Co.", "CA", ["reading", "library"]),
    ("Pinecone PD", "OR", ["pd"]),
    ("Quarry Networks", "TX", ["networking"]),
    ("Redwood Laptops", "CA", ["laptops", "chromebooks"]),
    ("Sierra Learning Platform", "CA", ["lms", "assessment"]),
    ("Tidewater Math", "VA", ["math"]),
    ("Upland Tablets", "GA", ["tablets"]),
    ("Valley Interactive", "CA", ["displays", "pd"]),
    ("Willow SIS", "OH", ["sis"]),
    ("Yarrow Accessibility Tools", "WA", ["special-ed", "reading"]),
    ("Zephyr Wi-Fi", "AZ", ["networking", "safety"]),
    ("Summit Science Studio", "CO", ["lms", "pd"]),
]
# Vendors serving only a few states (the others serve every state and DC): districts elsewhere
# (the demo's are in California) see them "left out" of their mini-competitions, with the reason.
SERVICE_AREAS = {"Juniper Devices": ["AZ", "NM", "NV", "UT"]}
