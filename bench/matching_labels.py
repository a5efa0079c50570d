"""How the matching evaluation set (bench/data/matching_eval.yaml) was labelled, so it can be
labelled again when the demo catalog changes: `python -m bench.matching_labels` (with the demo
built in the configured database) rewrites the YAML.

Each need is written as buyers write them (typos, abbreviations, grade bands); what a
knowledgeable buyer would accept is given as kinds of product (`edpool.demo.market.TYPES`, and
`DEMO_TYPES` for the products of the original demo), optionally only those covering a grade band.
The YAML lists the accepted product names, resolved over the demo catalog.
"""

from __future__ import annotations

# Products of the original demo (edpool/demo/*.py) by kind.
DEMO_TYPES = {
    "Bluebird Benchmark": ["benchmark"], "Indigo Benchmark Suite": ["benchmark"], "Indigo Checkpoint": ["benchmark"],
    "Acorn 11 Chromebook": ["chromebook"], "Acorn 14 Chromebook Plus": ["chromebook"],
    "Juniper Flip 11 Chromebook": ["chromebook"], "Redwood R11 Chromebook": ["chromebook"],
    "Redwood R14 Chromebook": ["chromebook"],
    "Acorn Chrome Education Upgrade": ["chrome_upgrade"], "Juniper Chrome Education Upgrade": ["chrome_upgrade"],
    "Cedar Board 65": ["display"], "Cedar Board 75": ["display"], "Cedar Board 86": ["display"],
    "Northstar 65 Display": ["display"], "Northstar 75 Display": ["display"], "Valley Vista 86 Display": ["display"],
    "Harbor eBooks": ["ebooks"], "Granite Classroom": ["lms"], "Sierra LMS": ["lms"], "Summit Labs": ["science"],
    "Evergreen Algebra Readiness": ["math_secondary"], "Evergreen Math Studio": ["math_k5", "math_secondary"],
    "Tidewater Fluency": ["math_k5"], "Tidewater Number Sense": ["math_k5"], "Pinecone Workshops": ["pd"],
    "Bluebird Phonics": ["phonics"], "Harbor Decodable Readers": ["phonics", "ebooks"],
    "Orchard Reader": ["phonics", "reading_intervention"], "Delta Sync": ["rostering"],
    "Kestrel Filter": ["web_filter"], "Meridian SIS": ["sis"], "Lighthouse IEP": ["iep"],
    "Yarrow Read Aloud": ["assistive"], "Upland 10 Tablet": ["tablet"],
    "Summit Science Explorations": ["science"],
}

# (need as written, accepted kinds, grade band the product must cover or "", hard must-haves)
NEEDS: list[tuple[str, list[str], str, list[str]]] = [
    ("K-2 phonics", ["phonics"], "K-2", []),
    ("phonics program for kinder", ["phonics"], "", []),
    ("foundational reading skills K2", ["phonics"], "", []),
    ("decodable readers", ["phonics"], "", []),
    ("phonix", ["phonics"], "", []),
    ("early literacy phonemic awareness", ["phonics", "dyslexia_screener"], "", []),
    ("reading intervention grades 3-5", ["reading_intervention"], "", []),
    ("MTSS tier 2 reading intervention", ["reading_intervention"], "", []),
    ("struggling readers middle school", ["reading_intervention"], "", []),
    ("reading fluency practice", ["reading_intervention"], "", []),
    ("reading comprehension", ["reading_intervention"], "", []),
    ("dyslexia screener", ["dyslexia_screener"], "", []),
    ("dyslexia screening K-3", ["dyslexia_screener"], "", []),
    ("universal screener early literacy", ["dyslexia_screener"], "", []),
    ("ebooks for the library", ["ebooks"], "", []),
    ("audiobooks", ["ebooks"], "", []),
    ("digital library", ["ebooks"], "", []),
    ("essay writing feedback high school", ["writing"], "", []),
    ("writing curriculum 6-8", ["writing"], "", []),
    ("argumentative writing", ["writing"], "", []),
    ("K-5 math", ["math_k5"], "", []),
    ("elementary math fact fluency", ["math_k5"], "", []),
    ("number sense kindergarten", ["math_k5"], "", []),
    ("math practice for 3rd grade", ["math_k5", "math_intervention"], "3-5", []),
    ("algebra 1", ["math_secondary"], "", []),
    ("geometry high school", ["math_secondary"], "", []),
    ("middle school math", ["math_secondary", "math_intervention"], "6-8", []),
    ("math intervention", ["math_intervention"], "", []),
    ("students below grade level in math fractions", ["math_intervention"], "", []),
    ("matth intervention", ["math_intervention"], "", []),
    ("NGSS science grades 3-8", ["science"], "", []),
    ("virtual science labs", ["science", "hs_science"], "", []),
    ("chemistry simulations", ["hs_science"], "", []),
    ("high school physics", ["hs_science"], "", []),
    ("biology lab", ["hs_science"], "", []),
    ("LMS", ["lms"], "", []),
    ("learning management system with LTI", ["lms"], "", []),
    ("gradebook and assignments", ["lms", "sis"], "", []),
    ("SIS", ["sis"], "", []),
    ("student information system with state reporting", ["sis"], "", []),
    ("attendance and report cards", ["sis"], "", []),
    ("rostering oneroster", ["rostering"], "", []),
    ("single sign on for students", ["rostering"], "", []),
    ("SSO portal", ["rostering"], "", []),
    ("web filter", ["web_filter"], "", []),
    ("CIPA content filtering chromebooks", ["web_filter"], "", []),
    ("self harm alerts student safety", ["web_filter"], "", []),
    ("1:1 chromebooks", ["chromebook"], "", ["kind:device"]),
    ("chromebooks", ["chromebook"], "", []),
    ("chromboks for 6th grade", ["chromebook"], "", []),
    ("student laptops", ["chromebook", "laptop"], "", []),
    ("windows laptops for teachers", ["laptop"], "", []),
    ("chrome education upgrade licenses", ["chrome_upgrade"], "", []),
    ("ipads for kindergarten", ["tablet"], "", []),
    ("tablets for TK", ["tablet"], "", []),
    ("interactive displays", ["display"], "", []),
    ("smartboards", ["display"], "", []),
    ("86 inch interactive flat panel", ["display"], "", []),
    ("wifi access points", ["wifi"], "", []),
    ("e-rate network switches", ["wifi"], "", []),
    ("hotspots for students without internet", ["hotspot"], "", []),
    ("homework gap", ["hotspot"], "", []),
    ("IEP software", ["iep"], "", []),
    ("special ed case management", ["iep"], "", []),
    ("speech therapy", ["teletherapy"], "", []),
    ("teletherapy OT", ["teletherapy"], "", []),
    ("SEL curriculum", ["sel"], "", []),
    ("social emotional learning", ["sel"], "", []),
    ("student wellbeing check-ins", ["sel"], "", []),
    ("student mental health counseling", ["mental_health"], "", []),
    ("high dosage tutoring", ["tutoring"], "", []),
    ("online tutoring math and reading", ["tutoring"], "", []),
    ("tutorng", ["tutoring"], "", []),
    ("coding for middle school", ["coding"], "", []),
    ("computer science curriculum", ["coding"], "", []),
    ("CS python", ["coding"], "", []),
    ("robotics kits", ["robotics"], "", []),
    ("STEM engineering kits", ["robotics"], "", []),
    ("ELL newcomers", ["ell"], "", []),
    ("english learners language development", ["ell"], "", []),
    ("ESL software", ["ell"], "", []),
    ("spanish for high school", ["world_language"], "", []),
    ("world languages", ["world_language"], "", []),
    ("teacher PD coaching", ["pd"], "", []),
    ("professional development workshops", ["pd"], "", []),
    ("benchmark assessments reading and math", ["benchmark"], "", []),
    ("interim assessment", ["benchmark"], "", []),
    ("SAT prep", ["test_prep"], "", []),
    ("AP exam prep", ["test_prep"], "", []),
    ("headphones for testing", ["headphones"], "", []),
    ("headsets with mic", ["headphones"], "", []),
    ("charging cart", ["charging_cart"], "", []),
    ("document camera", ["doc_camera"], "", []),
    ("classroom audio teacher microphone", ["classroom_audio"], "", []),
    ("civics", ["civics"], "", []),
    ("US history primary sources", ["civics"], "", []),
    ("music class software", ["music"], "", []),
    ("parent communication translated", ["family_messaging"], "", []),
    ("family engagement messaging", ["family_messaging"], "", []),
    ("CTE pathways certification", ["cte"], "", []),
    ("text to speech read aloud for accessibility", ["assistive", "ebooks"], "", []),
]


def labelled() -> list[dict]:
    from catalog.models import Product
    from edpool.demo.market import market_products

    kinds = {p.name: [p.type_key] for p in market_products()}
    kinds.update(DEMO_TYPES)
    products = list(Product.objects.filter(active=True).values_list("name", "grade_bands"))
    missing = sorted(name for name, _ in products if name not in kinds)
    if missing:
        raise SystemExit(f"label these demo products' kinds in DEMO_TYPES first: {missing}")
    out = []
    for text, accepted, grade, hard in NEEDS:
        names = sorted(name for name, bands in products
                       if set(kinds[name]) & set(accepted) and (not grade or grade in bands))
        if not names:
            raise SystemExit(f"no product accepted for {text!r}")
        out.append({"need": text, **({"must_haves": hard} if hard else {}), "accept": names})
    return out


def main() -> None:
    import os
    from pathlib import Path

    import django
    import yaml

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edpool.settings")
    django.setup()
    path = Path(__file__).parent / "data" / "matching_eval.yaml"
    header = ("# The matching evaluation set: needs as buyers write them, with the demo products a\n"
              "# knowledgeable buyer would accept. Labelled by kind of product: bench/matching_labels.py.\n")
    path.write_text(header + yaml.safe_dump(labelled(), sort_keys=False, allow_unicode=True, width=100))
    print(f"{len(NEEDS)} needs written to {path}")


if __name__ == "__main__":
    main()
