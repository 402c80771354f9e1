"""named-entity: a source name lost with the clause that held it is an omission."""

from qa_helpers import fails

NB = ("«Det vil bevege seg over vestkysten og opplyse himmelen fra California til Sentral-Oregon og videre via "
      "Nevada og Idaho og til slutt inn i Utah», forteller prosjektleder Tom Duxbury.")
FR = "« Il survolera la côte ouest », a déclaré le directeur de projet, Tom Duxbury."


def test_a_name_lost_in_a_short_translation_is_an_omission():
    found = fails("named-entity", NB, FR)
    assert {f.category for f in found} == {"accuracy/omission"}
    assert all(f.severity == "major" and f.evidence["length_z"] <= -2.0 for f in found)
    assert "Nevada" in {f.evidence["source_name"] for f in found}


def test_turned_off_a_missing_name_is_only_information():
    found = fails("named-entity", NB, FR, omission_z=0.0)
    assert {f.severity for f in found} == {"info"} and {f.category for f in found} == {"accuracy/named-entity"}
