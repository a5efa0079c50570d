from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.actions import AuditAction
from audit.models import AuditEvent
from audit.services import audit_chain_verify
from members.models import District
from orgs.models import Organisation

pytestmark = pytest.mark.django_db
CA_FILE = Path(__file__).resolve().parents[1] / "data" / "ca-districts-2019.csv"
CA_HEADER = "cds_code,county,name,city,zip,state,latitude,longitude,district_type,status\n"


def write(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_california_file_twice_leaves_1105_districts(capsys):
    call_command("import_districts", str(CA_FILE))
    first = capsys.readouterr()
    assert "1105 created" in first.out
    assert "1105/1105 (100%)" in first.err  # progress is shown
    call_command("import_districts", str(CA_FILE))
    assert "0 created, 0 updated, 1105 unchanged" in capsys.readouterr().out
    assert District.objects.count() == 1105
    assert Organisation.objects.filter(kind="district").count() == 1105
    alameda = District.objects.get(state_leaid="CA-0161119")
    assert alameda.name == "Alameda Unified" and alameda.cds_code == "0161119"
    assert alameda.county == "Alameda" and str(alameda.latitude) == "37.782147"
    igo = District.objects.get(state_leaid="CA-4570029")
    assert igo.name == "Igo, Ono, Platina Union Elementary"  # quoted comma in the file
    assert audit_chain_verify().ok


def test_reimport_updates_changed_rows(tmp_path, capsys):
    f = write(tmp_path, "a.csv", CA_HEADER + "110017,Alameda,Alameda COE,Hayward,94544,CA,37.1,-122.1,COE,Active\n")
    call_command("import_districts", str(f))
    f.write_text(CA_HEADER + "110017,Alameda,Alameda County Office of Education,Hayward,94544,CA,37.1,-122.1,COE,Active\n")
    call_command("import_districts", str(f))
    assert "0 created, 1 updated" in capsys.readouterr().out
    d = District.objects.get()
    assert d.name == "Alameda County Office of Education"
    assert AuditEvent.objects.filter(action=AuditAction.ORGANISATION_UPDATED).count() == 1


def test_one_bad_row_imports_nothing_and_names_row_and_field(tmp_path):
    f = write(tmp_path, "bad.csv", CA_HEADER
              + "110017,Alameda,Alameda COE,Hayward,94544,CA,37.1,-122.1,COE,Active\n"
              + "1234X6,Alameda,Broken,Hayward,94544,CA,37.1,-122.1,COE,Active\n"
              + "161119,Alameda,Alameda Unified,Alameda,94501,CA,95.0,-122.2,USD,Active\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_districts", str(f))
    text = str(exc.value)
    assert "Nothing imported" in text
    assert "line 3, field 'cds_code'" in text
    assert "line 4, field 'latitude'" in text
    assert District.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_duplicate_rows_are_refused(tmp_path):
    row = "110017,Alameda,Alameda COE,Hayward,94544,CA,37.1,-122.1,COE,Active\n"
    f = write(tmp_path, "dup.csv", CA_HEADER + row + row)
    with pytest.raises(CommandError, match="line 3, field 'state_leaid'.*appears twice"):
        call_command("import_districts", str(f))


def test_nces_format_and_join_on_state_id(tmp_path, capsys):
    call_command("import_districts", str(write(tmp_path, "ca.csv", CA_HEADER
                 + "161119,Alameda,Alameda Unified,Alameda,94501,CA,37.7,-122.2,Unified School District,Active\n")))
    nces = write(tmp_path, "nces.csv",
                 "LEAID,name,state,city,enrollment,ST_LEAID\n"
                 "0601770,Alameda Unified School District,CA,Alameda,\"11,230\",CA-0161119\n"
                 "3620580,New York City Geographic District # 2,NY,New York,60123,\n")
    call_command("import_districts", str(nces), "--source", "NCES CCD 2023-24", "--year", "2023")
    assert "1 created, 1 updated" in capsys.readouterr().out
    alameda = District.objects.get(state_leaid="CA-0161119")
    assert alameda.nces_leaid == "0601770" and alameda.enrollment == 11230
    assert alameda.enrollment_source == "NCES CCD 2023-24" and alameda.enrollment_year == 2023
    assert alameda.enrollment_is_estimate is False
    assert alameda.lea_type == "Unified School District"  # NCES file did not say; kept
    nyc = District.objects.get(nces_leaid="3620580")
    assert nyc.state == "NY" and nyc.state_leaid is None


def test_nces_bad_values_named(tmp_path):
    f = write(tmp_path, "nces.csv", "LEAID,name,state,city,enrollment\n"
              "0601770,Alameda,CA,Alameda,many\n123,Nowhere,ZZ,X,5\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_districts", str(f))
    text = str(exc.value)
    assert "line 2, field 'enrollment'" in text
    assert "line 3, field 'leaid'" in text and "line 3, field 'state'" in text


def test_unknown_header_is_explained(tmp_path):
    f = write(tmp_path, "x.csv", "foo,bar\n1,2\n")
    with pytest.raises(CommandError, match="Unknown file format"):
        call_command("import_districts", str(f))


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_districts", str(tmp_path / "nope.csv"))


# Hostile files: each is refused naming the line and field, nothing imported, no traceback.
GOOD_ROW = "110017,Alameda,Alameda COE,Hayward,94544,CA,37.1,-122.1,COE,Active\n"


def _refused(path) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("import_districts", str(path))
    assert District.objects.count() == 0
    return str(exc.value)


def test_a_nul_character_is_refused_by_line_and_field(tmp_path):
    f = write(tmp_path, "nul.csv", CA_HEADER + GOOD_ROW
              + "161119,Alameda,Alameda\x00Unified,Alameda,94501,CA,37.7,-122.2,USD,Active\n")
    text = _refused(f)
    assert "line 3, field 'name'" in text and "NUL" in text


def test_over_long_fields_are_refused_by_line_and_field(tmp_path):
    f = write(tmp_path, "long.csv", CA_HEADER + GOOD_ROW
              + "161119,Alameda,Alameda Unified," + "C" * 150 + ",94501,CA,37.7,-122.2,USD,Active\n"
              + "161120,Alameda," + "N" * 301 + ",Alameda,94501,CA,37.7,-122.2,USD,Active\n")
    text = _refused(f)
    assert "line 3, field 'city'" in text and "line 4, field 'name'" in text


@pytest.mark.parametrize("size", [131_072, 200_000])
def test_a_huge_field_is_refused_by_line(tmp_path, size):
    """131,072 characters is csv's own field limit: at it the value is too long for the column,
    beyond it the csv module refuses the file; either way the line is named."""
    f = write(tmp_path, "huge.csv", CA_HEADER + GOOD_ROW
              + '161119,Alameda,"' + "x" * size + '",Alameda,94501,CA,37.7,-122.2,USD,Active\n')
    text = _refused(f)
    assert "line 3" in text and ("field 'name'" in text or "131072" in text)


def test_nces_enrollment_and_ids_out_of_range_are_refused(tmp_path):
    f = write(tmp_path, "nces.csv", "LEAID,name,state,city,enrollment,ST_LEAID\n"
              + "0600001,Alpha,CA,Town,99999999999999999999999,CA-0100001\n"
              + "0600002,Beta,CA,Town,10," + "CA-" + "9" * 40 + "\n")
    text = _refused(f)
    assert "line 2, field 'enrollment'" in text and "line 3, field 'st_leaid'" in text


def _record(**fields):
    from members.services import DistrictRecord

    return DistrictRecord(**{"name": "Alpha Unified", "state": "CA", **fields})


def test_new_districts_are_created_together_with_the_events_one_by_one_would_record():
    from members.services import districts_import
    from orgs.services import organisation_create
    from tests.cast import SYSTEM

    organisation_create(kind="vendor", name="Alpha Unified", actor=SYSTEM)  # its slug is taken
    counts = districts_import(records=[_record(state_leaid="CA-1", enrollment=900),
                                       _record(name="Beta Elementary", state_leaid="CA-2", nces_leaid="0600002")],
                              actor=SYSTEM)
    assert (counts.created, counts.updated, counts.unchanged) == (2, 0, 0)
    alpha = District.objects.select_related("organisation").get(state_leaid="CA-1")
    assert alpha.organisation.slug == "alpha-unified-2" and alpha.enrollment == 900
    assert alpha.organisation.kind == "district" and alpha.organisation.state == "CA"
    created = AuditEvent.objects.filter(action=AuditAction.DISTRICT_CREATED).order_by("seq")
    assert [e.object_id for e in created] == [str(alpha.pk), str(District.objects.get(state_leaid="CA-2").pk)]
    assert created[0].after["enrollment"] == 900 and created[0].actor_label == SYSTEM.label
    assert AuditEvent.objects.filter(action=AuditAction.ORGANISATION_CREATED).count() == 3
    assert audit_chain_verify().ok
    # again, with one changed: the known ones are updated or left, nothing is created twice
    counts = districts_import(records=[_record(state_leaid="CA-1", enrollment=950),
                                       _record(name="Beta Elementary", state_leaid="CA-2", nces_leaid="0600002"),
                                       _record(name="Gamma Union", nces_leaid="0600003")], actor=SYSTEM)
    assert (counts.created, counts.updated, counts.unchanged) == (1, 1, 1)
    assert District.objects.count() == 3 and audit_chain_verify().ok


@pytest.mark.parametrize("second, message", [
    (dict(name="Alpha Again", state_leaid="CA-1"), "CA-1 is also on line 2"),
    (dict(name="Alpha Again", state_leaid="CA-9", nces_leaid="0600001"), "0600001 is also on line 2"),
    (dict(name="Bad\x00Name", state_leaid="CA-9"), "NUL"),
    (dict(name="x" * 301, state_leaid="CA-9"), "At most 300 characters"),
    (dict(name="Bad Enrolment", state_leaid="CA-9", enrollment=-5), "enrollment"),
    (dict(name="Elsewhere", state="XX", state_leaid="CA-9"), "not a US state code"),
    (dict(name="No Ids"), "needs an NCES LEAID or a state LEA id"),
])
def test_a_bad_new_row_given_to_the_service_imports_nothing(second, message):
    """The file reader refuses these first; the service refuses them too, by line, before saving
    anything (a bulk insert sends no pre_save, so the text guard is called by hand)."""
    from django.core.exceptions import ValidationError

    from members.services import districts_import
    from tests.cast import SYSTEM

    with pytest.raises(ValidationError, match="line 3") as exc:
        districts_import(records=[_record(state_leaid="CA-1", nces_leaid="0600001"), _record(**second)],
                         actor=SYSTEM)
    assert message in str(exc.value)
    assert District.objects.count() == 0 and Organisation.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_district_saved_meanwhile_is_a_clear_error_and_nothing_is_imported(monkeypatch):
    """Two imports at once: the other one created a district of this file between the lookup and
    the insert (simulated: the lookup is made to miss it)."""
    from django.core.exceptions import ValidationError

    import members.services as services
    from tests.cast import SYSTEM

    services.districts_import(records=[_record(state_leaid="CA-1")], actor=SYSTEM)
    before = AuditEvent.objects.count()
    real = District.objects.select_related

    class Missing:
        def __iter__(self):
            return iter(())

    monkeypatch.setattr(District.objects, "select_related", lambda *a: Missing())
    with pytest.raises(ValidationError, match="saved by someone else while this import ran"):
        services.districts_import(records=[_record(name="Other", state_leaid="CA-2"),
                                           _record(name="Again", state_leaid="CA-1")], actor=SYSTEM)
    monkeypatch.setattr(District.objects, "select_related", real)
    assert District.objects.count() == 1 and AuditEvent.objects.count() == before
    assert audit_chain_verify().ok
