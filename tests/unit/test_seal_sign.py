"""The PAdES signature: our CA's signature over every byte is genuine; anything else is caught."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.seal_pdf import render
from bot.seal_sign import Seal, create_local_ca
from tests.support.fonts import needs_font


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    font = needs_font()
    return render(community="A社区", title="居住证明", body="兹证明张三居住在翠微苑。", number="ZM-20261202-0001",
                  code="ABCDEFGH23", verify_url="http://127.0.0.1:8088/v/ABCDEFGH23",
                  issued=datetime(2026, 12, 2, tzinfo=UTC), font_file=font)


def test_genuine_then_every_kind_of_forgery(tmp_path: Path, unsigned: bytes) -> None:
    ours = Seal(create_local_ca(tmp_path / "ours", "A社区"))
    theirs = Seal(create_local_ca(tmp_path / "theirs", "A社区"))  # same name, another key
    signed = ours.sign(unsigned, reason="居住证明", location="A社区")
    assert ours.check(signed) is None
    assert ours.check(unsigned) == "unsigned"
    assert ours.check(theirs.sign(unsigned, reason="居住证明", location="A社区")) == "untrusted"
    assert ours.check(signed + b"\n% appended\n") == "modified"
    i = signed.index(b"/Producer")
    changed = bytearray(signed)
    changed[i + 12] ^= 0x20
    assert ours.check(bytes(changed)) == "modified"
    assert ours.check(b"not a pdf") == "unreadable"


def test_the_local_ca_is_made_once_and_its_keys_are_private(tmp_path: Path) -> None:
    first = create_local_ca(tmp_path / "ca", "A社区")
    before = first.key.read_bytes()
    again = create_local_ca(tmp_path / "ca", "A社区")
    assert again.key.read_bytes() == before
    assert first.key.stat().st_mode & 0o077 == 0 and (tmp_path / "ca" / "ca.key.pem").stat().st_mode & 0o077 == 0


def test_district_issued_keys_are_used_instead_of_the_local_ca(tmp_path: Path, unsigned: bytes,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.app import App
    from bot.config import load_config
    from tests.fixtures import SECRET, make_config_file

    district = create_local_ca(tmp_path / "district", "鹿城区")  # stands in for files the district hands out
    monkeypatch.setenv("CUNSHE_SECRET_KEY", SECRET)
    cfg = make_config_file(tmp_path / "etc", f"sqlite:///{tmp_path / 'db.sqlite'}", changes={
        "seals.ca_dir": str(tmp_path / "local"), "seals.key_file": str(district.key),
        "seals.cert_file": str(district.cert), "seals.chain_files": [str(p) for p in district.trusted]})
    seal = App(load_config(cfg)).certifier.seal
    signed = seal.sign(unsigned, reason="居住证明", location="A社区")
    assert seal.check(signed) is None and Seal(district).check(signed) is None
    assert not (tmp_path / "local").exists()  # no local CA was made
