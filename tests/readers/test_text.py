import pytest

from mtqa.errors import InputError
from mtqa.readers import read_document


def write(tmp_path, data: bytes, name="a.txt"):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_reads_lines_with_1_based_numbering_and_no_phantom_last_line(tmp_path):
    doc = read_document(write(tmp_path, "Første linje.\nAndre linje.\n".encode()))
    assert doc.lines == ("Første linje.", "Andre linje.")


def test_bom_and_crlf_are_accepted_and_noted(tmp_path):
    doc = read_document(write(tmp_path, b"\xef\xbb\xbfUn.\r\nDeux.\r\n"))
    assert doc.lines == ("Un.", "Deux.")
    assert any("byte order mark" in n for n in doc.notes)
    assert any("CRLF" in n for n in doc.notes)


def test_blank_lines_keep_their_numbers(tmp_path):
    doc = read_document(write(tmp_path, b"Un.\n\nTrois.\n"))
    assert doc.lines[2] == "Trois."


@pytest.mark.parametrize("data, needle", [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("Kåre sa på nytt: ja".encode("latin-1"), "Latin-1"),
    ("Bonjour".encode("utf-16"), "UTF-16"),
])
def test_bad_input_is_refused_with_a_clear_message(tmp_path, data, needle):
    with pytest.raises(InputError, match=needle):
        read_document(write(tmp_path, data))


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        read_document(tmp_path)
