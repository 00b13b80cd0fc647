"""Spreadsheets as people keep them (issue 22): UK headings, --columns, lost zeros, dry runs."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import fingerprint
from keepgoing.exchange.formats.csv import COLUMNS, HEADINGS
from keepgoing.text import loose_key


def _one_line(result, *needles: str) -> None:
    assert result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def _people(kg) -> dict[str, dict]:
    return {p["name"]: p for p in json.loads(kg("people", "--json").stdout)}


@pytest.mark.parametrize(
    "header",
    [
        "First name,Surname,Mobile,Email,Notes",
        "Forename,Last name,Phone,E-mail,Comments",
        "GIVEN NAME;FAMILY NAME;Tel;e-mail address;comments",
        "first_name,last-name,Telephone,EMAIL,notes",
    ],
)
def test_the_usual_uk_headings_are_read(kg, tmp_path, header) -> None:
    path = tmp_path / "people.csv"
    sep = ";" if ";" in header else ","
    path.write_text(
        header + "\n" + sep.join(["Ann", "Lee", "07700 900123", "ann@example.org", "Likes walks"]) + "\n"
    )
    out = kg("import", str(path)).stdout
    assert "Added 1 person" in out and "not imported" not in out
    ann = json.loads(kg("show", "Ann Lee", "--json").stdout)
    assert (ann["phone"], ann["email"], ann["note"]) == ("07700 900123", "ann@example.org", "Likes walks")


def test_organisation_and_job_title_and_a_full_name_column(kg, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Full name,Company,Job title\nPriya Shah,Food bank,Coordinator\n")
    kg("import", str(path))
    priya = json.loads(kg("show", "priya", "--json").stdout)
    assert (priya["organisation"], priya["role"]) == ("Food bank", "Coordinator")


@given(st.sampled_from([h for headings in HEADINGS.values() for h in headings]), st.data())
def test_headings_are_case_and_punctuation_blind(heading, data) -> None:
    varied = "".join(
        data.draw(st.sampled_from([c.upper(), c.lower(), c + "-", c + " ", c + "."])) if c.isalnum() else c
        for c in heading
    )
    assert COLUMNS[loose_key(varied)] == COLUMNS[loose_key(heading)]


def test_columns_maps_the_headings_it_names(kg, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Client,Fam,Mob no,Home phone\nKerry,Walsh,07700 900202,0161 496 0000\n")
    kg("import", str(path), "--columns", "Client=first_name, Fam=last_name,Mob no=phone,Home phone=skip")
    kerry = json.loads(kg("show", "Kerry Walsh", "--json").stdout)
    assert kerry["phone"] == "07700 900202"


def test_no_name_column_lists_the_headings_and_the_columns_line_that_works(kg, tmp_path, db_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Client,Mob,Email\nKerry Walsh,07700 900202,\n")
    before = fingerprint(db_path)
    refused = kg("import", str(path), expect=1)
    _one_line(refused, "no name column", "Client, Mob, Email", '--columns "Client=name"')
    assert fingerprint(db_path) == before
    kg("import", str(path), "--columns", "Client=name")  # the line it showed works
    assert list(_people(kg)) == ["Kerry Walsh"]


def test_bad_columns_are_refused_in_one_line(kg, tmp_path, db_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Client,Mob\nKerry,07700 900202\n")
    before = fingerprint(db_path)
    _one_line(
        kg("import", str(path), "--columns", "Client=nom", expect=2), '"nom" is not a field', "first_name"
    )
    _one_line(kg("import", str(path), "--columns", "Client", expect=2), "Heading=field")
    _one_line(kg("import", str(path), "--columns", "Clint=name", expect=1), '"Clint"', "Client, Mob")
    json_file = tmp_path / "people.json"
    json_file.write_text("{}")
    _one_line(kg("import", str(json_file), "--columns", "a=name", expect=2), "for a CSV file")
    two = tmp_path / "two.csv"
    two.write_text("Name,Mobile,Telephone\nKerry,07700 900202,0161 496 0000\n")
    _one_line(
        kg("import", str(two), expect=1), "Mobile, Telephone all mean phone", '--columns "Telephone=skip"'
    )
    assert fingerprint(db_path) == before
    kg("import", str(two), "--columns", "Telephone=skip")


def test_a_mobile_that_lost_its_zero_is_read_with_it_and_the_rows_are_named(kg, tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "First name,Surname,Mobile\nAnn,Lee,7700900202\nBob,Marsh,07700 900303\nCy,Dee,7700 900404\nDi,Ng,1614960000\n"
    )
    out = kg("import", str(path)).stdout
    assert "people.csv, lines 2, 4: mobile numbers had lost the leading 0" in out
    people = _people(kg)
    assert [people[n]["phone"] for n in ("Ann Lee", "Bob Marsh", "Cy Dee", "Di Ng")] == [
        "07700 900202",
        "07700 900303",
        "07700 900404",
        "1614960000",
    ]


def test_a_dry_run_names_who_would_be_added_and_who_matched(kg, tmp_path, db_path) -> None:
    kg("add", "Kerry-Ann Walsh")
    path = tmp_path / "people.csv"
    rows = ["Kerry,Ann Walsh"] + [f"Person,Number{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(25)]
    path.write_text("First name,Surname\n" + "\n".join(rows) + "\n")
    before = fingerprint(db_path)
    out = kg("import", str(path), "--dry-run").stdout
    assert "Would add: Person NumberAA, Person NumberAB," in out and "Person NumberAT and 5 more." in out
    assert "Person NumberAU" not in out
    assert "Already here (matched): Kerry-Ann Walsh." in out
    assert fingerprint(db_path) == before
    report = json.loads(kg("import", str(path), "--dry-run", "--json").stdout)
    assert len(report["people_added"]) == 25 and report["people_matched"] == ["Kerry-Ann Walsh"]


def test_an_import_tells_people_who_share_a_name_apart_by_organisation(kg, tmp_path, db_path) -> None:
    kg("add", "John Smith", "--org", "Tenants")
    kg("add", "John Smith", "--org", "Food bank", "--yes")
    path = tmp_path / "people.csv"
    path.write_text("Name,Company\nJohn Smith,Food bank\n")
    report = json.loads(kg("import", str(path), "--json").stdout)
    assert report["people_matched"] == ["John Smith"] and report["people_added"] == []
    before = fingerprint(db_path)
    path.write_text("Name,Company\nJohn Smith,\n")
    _one_line(
        kg("import", str(path), expect=1),
        "people.csv, line 2",
        'more than one person here is called "John Smith"',
    )
    assert fingerprint(db_path) == before
