"""config.yaml: the shipped sample validates; bad values are one line naming the key path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import AppConfig, ConfigError, config_path, load_config, parse_config
from tests.fixtures import SECRET, SHIPPED_CONFIG, make_config_file, run_cunshe


def shipped() -> dict[str, Any]:
    """The shipped config as a fresh mapping."""
    data: dict[str, Any] = yaml.safe_load(SHIPPED_CONFIG.read_text(encoding="utf-8"))
    return data


def error_of(data: dict[str, Any]) -> str:
    """The one-line error message a broken config gives."""
    with pytest.raises(ConfigError) as exc:
        parse_config(data, environ=False)
    return str(exc.value)


def test_shipped_config_is_the_marked_sample_community(clean_env: pytest.MonkeyPatch) -> None:
    cfg = load_config(SHIPPED_CONFIG)
    assert cfg.sample is True
    assert "SAMPLE" in SHIPPED_CONFIG.read_text(encoding="utf-8").upper()
    assert cfg.community.timezone == "Asia/Shanghai"
    assert len(cfg.estates) == 9
    assert len(cfg.grids) == 7
    assert {e.grid for e in cfg.estates} <= {g.code for g in cfg.grids}
    assert {s.role for s in cfg.staff} == {"网格员", "社工", "书记", "admin"}
    assert all(s.grids for s in cfg.staff if s.role == "网格员")
    assert {g.group for g in cfg.services.affairs} == {
        "社保", "公积金", "供电", "公安", "医保", "燃气", "有线电视"}
    assert {g.group for g in cfg.services.care} == {
        "助洁", "康复护理", "助浴", "生活照料", "代办陪同", "精神慰藉", "安居守护"}
    seals = {t.name for t in cfg.seal_templates}
    assert len(seals) >= 3 and "居住证明" in seals
    assert any("选民资格" in s for s in seals)
    assert cfg.shelters and all(s.capacity > 0 for s in cfg.shelters)
    # around Wenzhou's 鹿城区 (WGS-84)
    assert all(27.9 < s.lat < 28.1 and 120.5 < s.lon < 120.8 for s in cfg.shelters)
    titles = {p.title for p in cfg.policies}
    assert {"临时救助", "残疾人社会基本养老保险补助"} <= titles
    assert {"老年人", "残疾", "低保户", "独居", "租户"} <= set(cfg.resident_tags)
    assert cfg.telegram.token is None and cfg.secret_key == SECRET


def test_shipped_config_has_no_secrets() -> None:
    text = SHIPPED_CONFIG.read_text(encoding="utf-8")
    data = shipped()
    assert not (data.get("telegram") or {}).get("token")
    assert not data.get("secret_key")
    assert "CUNSHE_SECRET_KEY" in text  # it says where the key comes from instead


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("reports.sla.resolve_days", -1, "reports.sla.resolve_days: "),
        ("reports.sla.resolve_days", "三天", "reports.sla.resolve_days: "),
        ("estates.0.grid", "G99", "estates.0.grid: unknown grid 'G99'"),
        ("staff.1.grids", ["G42"], "staff.1.grids: unknown grid 'G42'"),
        ("staff.1.role", "队长", "staff.1.role: "),
        ("shelters.0.lat", 123.0, "shelters.0.lat: "),
        ("community.office_hours.weekdays", [0, 8], "community.office_hours.weekdays: "),
        ("telegram.webhook.port", 70000, "telegram.webhook.port: "),
        ("reports.number_prefix", "bs-1", "reports.number_prefix: "),
        ("community.surprise", 1, "community.surprise: "),
    ],
)
def test_bad_value_names_its_key_path(path: str, value: object, expected: str) -> None:
    data = shipped()
    node: Any = data
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[last] = value
    msg = error_of(data)
    assert msg.startswith(expected), msg
    assert "\n" not in msg


def test_missing_section_and_duplicate_codes() -> None:
    data = shipped()
    del data["estates"]
    assert error_of(data).startswith("estates: ")
    data = shipped()
    data["staff"][1]["code"] = "S01"
    assert error_of(data) == "staff: duplicate code 'S01'"
    assert error_of([1, 2]).startswith("(top level)")  # type: ignore[arg-type]


def test_unreadable_and_invalid_yaml_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml", environ=False)
    bad = tmp_path / "bad.yaml"
    bad.write_text("community: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML") as exc:
        load_config(bad, environ=False)
    assert "\n" not in str(exc.value)


def test_environment_overrides(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("CUNSHE_DATABASE_URL", "postgresql://u:p@db.example/cunshe")
    clean_env.setenv("CUNSHE_TELEGRAM_TOKEN", "123456:ABC-token")
    clean_env.setenv("CUNSHE_SECRET_KEY", "another-secret-key-of-length")
    cfg = load_config(SHIPPED_CONFIG)
    assert cfg.database.url == "postgresql://u:p@db.example/cunshe"
    assert cfg.telegram.token == "123456:ABC-token"
    assert cfg.secret_key == "another-secret-key-of-length"


def test_cunshe_config_env_picks_the_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = make_config_file(tmp_path, "sqlite:///elsewhere.db")
    clean_env.setenv("CUNSHE_CONFIG", str(path))
    assert config_path() == path
    assert load_config().database.url == "sqlite:///elsewhere.db"
    assert config_path("explicit.yaml") == Path("explicit.yaml")


def test_secrets_file_outside_the_repo(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.delenv("CUNSHE_SECRET_KEY")
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text("telegram_token: '42:from-file'\nsecret_key: file-secret-0123456789\n",
                       encoding="utf-8")
    cfg_file = make_config_file(tmp_path / "etc", "sqlite:///x.db",
                                changes={"secrets_file": str(secrets)})
    cfg = load_config(cfg_file)
    assert (cfg.telegram.token, cfg.secret_key) == ("42:from-file", "file-secret-0123456789")
    # the environment wins over the file, and CUNSHE_SECRETS_FILE over the config's entry
    clean_env.setenv("CUNSHE_TELEGRAM_TOKEN", "42:from-env")
    assert load_config(cfg_file).telegram.token == "42:from-env"
    other = tmp_path / "other.yaml"
    other.write_text("secret_key: other-secret-0123456789\n", encoding="utf-8")
    clean_env.setenv("CUNSHE_SECRETS_FILE", str(other))
    assert load_config(cfg_file).secret_key == "other-secret-0123456789"
    clean_env.setenv("CUNSHE_SECRETS_FILE", str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigError, match=r"^secrets_file: no such file"):
        load_config(cfg_file)


def test_config_is_frozen() -> None:
    cfg = parse_config(shipped(), environ=False)
    assert isinstance(cfg, AppConfig)
    with pytest.raises(ValueError):
        cfg.community.name = "B社区"  # type: ignore[misc]
    assert cfg.estate_by_name("翠微") is not None and cfg.estate_by_name("火星") is None


def test_cli_with_bad_config_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = make_config_file(tmp_path, f"sqlite:///{tmp_path / 'x.db'}",
                           changes={"reports.sla.resolve_days": -3})
    res = run_cunshe(["--config", bad, "db", "upgrade"], env={"CUNSHE_SECRET_KEY": SECRET})
    assert res.code == 2, res
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    assert "reports.sla.resolve_days" in lines[0]
    assert "Traceback" not in res.err and res.out == ""
    assert not (tmp_path / "x.db").exists()


def test_cli_reads_cunshe_config_and_rejects_a_broken_one(tmp_path: Path) -> None:
    bad = make_config_file(tmp_path, "sqlite:///x.db", changes={"estates.0.grid": "G99"})
    res = run_cunshe(["db", "current"], env={"CUNSHE_CONFIG": str(bad)})
    assert res.code == 2
    assert res.err.strip().splitlines() == [
        "cunshe: config error: estates.0.grid: unknown grid 'G99'"]


def test_cli_missing_config_file_is_one_line(tmp_path: Path) -> None:
    res = run_cunshe(["--config", tmp_path / "nope.yaml", "db", "upgrade"])
    assert res.code == 2 and len(res.err.strip().splitlines()) == 1
    assert "nope.yaml" in res.err



def test_webhook_secret_comes_from_the_environment_and_is_checked(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CUNSHE_WEBHOOK_SECRET", "s3cret_token-1")
    assert load_config(SHIPPED_CONFIG).telegram.webhook.secret_token == "s3cret_token-1"
    clean_env.setenv("CUNSHE_WEBHOOK_SECRET", "not allowed!")
    with pytest.raises(ConfigError, match=r"telegram\.webhook\.secret_token"):
        load_config(SHIPPED_CONFIG)


def test_sending_budget_key_its_old_name_and_its_bounds() -> None:
    data = shipped()
    assert parse_config(data, environ=False).telegram.rate_limit_per_second == 30
    del data["telegram"]["rate_limit_per_second"]
    data["telegram"]["overall_rate"] = 20  # the old name is still read
    assert parse_config(data, environ=False).telegram.rate_limit_per_second == 20
    data = shipped()
    data["telegram"]["rate_limit_per_second"] = 0  # a local Bot API server: no limit
    assert parse_config(data, environ=False).telegram.rate_limit_per_second == 0
    data["telegram"]["rate_limit_per_second"] = 1000
    assert "paid_broadcasts" in error_of(data)  # above 30 costs Stars: said, not assumed
    data["telegram"]["paid_broadcasts"] = True
    assert parse_config(data, environ=False).telegram.rate_limit_per_second == 1000
    data["telegram"]["rate_limit_per_second"] = 1001
    assert "rate_limit_per_second" in error_of(data)
