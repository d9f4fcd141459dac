"""The data-only Lua table reader: the real module's shape, Lua 5.1 strings, hostile modules."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from glamgraph import lua
from glamgraph.errors import MalformedFile

MODULE = Path(__file__).resolve().parent / "world" / "module.lua"
SNAPSHOT_MODULE = Path("<the shipped snapshot's module>")


def _from_lua(value: Any) -> Any:
    """A lupa table as the Python value glamgraph.lua gives (list when keys are 1..n)."""
    if hasattr(value, "items"):
        items = dict(value.items())
        if (
            items
            and all(isinstance(k, int) for k in items)
            and sorted(items) == list(range(1, len(items) + 1))
        ):
            return [_from_lua(items[k]) for k in sorted(items)]
        if not items:
            return []
        return {k: _from_lua(v) for k, v in items.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def _real_lua(source: str) -> Any:
    """Run a trusted fixture in a real Lua runtime (lupa), for comparison only."""
    lupa = pytest.importorskip("lupa")
    runtime = lupa.LuaRuntime(unpack_returned_tuples=True, register_eval=False)
    return _from_lua(runtime.execute(source))


def test_the_module_fixture_parses_in_the_real_shape() -> None:
    data = lua.load(MODULE)
    assert isinstance(data, lua.LuaList) and len(data) == 14
    first = data[0]
    assert isinstance(first, lua.LuaTable)
    assert first["group_name"] == "Wikimedia France"
    assert first["explanation"] == "Wikimedia's mission, in France"
    assert first["dm_structure"] == ["Board", "Democratic Process"]
    assert first.line == 13  # the line of its "{", for messages pointing at an entry
    assert len(first) == 29  # every field of the reference
    ci = next(e for e in data if isinstance(e, dict) and e["affiliate_code"] == "WMCIUG")
    assert ci["group_country"] == "Côte d'Ivoire"


@pytest.mark.parametrize("path", [MODULE, SNAPSHOT_MODULE], ids=["fixture", "snapshot"])
def test_same_values_as_a_real_lua_runtime(path: Path) -> None:
    if path == SNAPSHOT_MODULE:
        from glamgraph.sparql.embedded import load_snapshot_file, shipped_snapshot_path

        source = load_snapshot_file(shipped_snapshot_path()).module
    else:
        source = path.read_text(encoding="utf-8")
    assert lua.loads(source, str(path)) == _real_lua(source)


def test_lua_strings() -> None:
    src = r"""return {
        'it\'s', "say \"hi\"", 'back\\slash', 'tab\tnew\nline', '\65\066\0671',
        '\195\169', 'Lua 5.1: \q stays q', 'a\
b', [[long
string with 'quotes' and ]=] inside]], [==[level ]] two]==], "", 'é ✓'
    }"""
    assert lua.loads(src) == [
        "it's",
        'say "hi"',
        "back\\slash",
        "tab\tnew\nline",
        "ABC1",
        "é",
        "Lua 5.1: q stays q",
        "a\nb",
        "long\nstring with 'quotes' and ]=] inside",
        "level ]] two",
        "",
        "é ✓",
    ]


def test_numbers_booleans_keys_and_comments() -> None:
    src = """--[==[ a long
    comment ]==]
    -- a line comment
    return {
        n = 42, f = 2.5, e = 1e3, h = 0xff, neg = -7, t = true, fa = false, gone = nil,
        ['quoted key'] = 'x', [7] = 'seven'; semi = 'colon', -- trailing comment
        nested = { { a = { b = {} } } },
    };"""
    assert lua.loads(src) == {
        "n": 42,
        "f": 2.5,
        "e": 1000.0,
        "h": 255,
        "neg": -7,
        "t": True,
        "fa": False,
        "quoted key": "x",
        7: "seven",
        "semi": "colon",
        "nested": [{"a": {"b": []}}],
    }


def test_mixed_table_numbers_positional_fields_like_lua() -> None:
    assert lua.loads("return { 'a', k = 'v', 'b' }") == {"k": "v", 1: "a", 2: "b"}
    assert lua.loads("return { 'a', k = 'v', 'b' }") == _real_lua("return { 'a', k = 'v', 'b' }")


HOSTILE = {
    "os.execute": ("return { os.execute('touch {marker}') }", 1, "'os' is not allowed"),
    "call at top": ("os.execute('touch {marker}')\nreturn {}", 1, "expected 'return {'"),
    "infinite loop": ("while true do end\nreturn {}", 1, "expected 'return {'"),
    "loop inside": ("return {\n  x = (function() while true do end end)() }", 2, "'('"),
    "huge string": ("return {\n  s = string.rep('x', 1e9) }", 2, "'string' is not allowed"),
    "function value": ("return {\n\n  f = function() return 1 end }", 3, "function value"),
    "setmetatable": (
        "return setmetatable({}, {__index = function() os.exit() end})",
        1,
        "expected a table after 'return'",
    ),
    "concatenation": ("return {\n  a = 'x' .. 'y' }", 2, "unexpected '..'"),
    "variable": ("local t = {}\nreturn t", 1, "expected 'return {'"),
    "code after": ("return {}\nprint('after')", 2, "after the returned table"),
    "require": ("return { require('os') }", 1, "'require' is not allowed"),
    "load": ("return { x = load('os.exit()') }", 1, "'load' is not allowed"),
    "arithmetic": ("return { x = 1 + 2 }", 1, "unexpected '+'"),
    "reserved key": ("return { end = 1 }", 1, "reserved word"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_modules_are_refused_without_running_anything(case: str, tmp_path: Path) -> None:
    marker = tmp_path / "x"
    src, line, problem = HOSTILE[case]
    path = tmp_path / "evil.lua"
    path.write_text(src.replace("{marker}", str(marker)), encoding="utf-8")
    t0 = time.monotonic()
    with pytest.raises(MalformedFile) as err:
        lua.load(path)
    assert time.monotonic() - t0 < 2
    msg = str(err.value)
    assert msg.startswith(f"{path}, line {line}: "), msg
    assert problem in msg
    assert not marker.exists()
    assert err.value.exit_code == 2


def test_syntax_error_names_the_line() -> None:
    src = "return {\n    { group_name = 'A',\n      org_type = 'Chapter'\n      region = 'Europe' },\n}"
    with pytest.raises(MalformedFile, match=r"^m\.lua, line 4: expected ',' or '}' after a field"):
        lua.loads(src, "m.lua")


def test_truncated_file(tmp_path: Path) -> None:
    text = MODULE.read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    path = tmp_path / "cut.lua"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(MalformedFile) as err:
        lua.load(path)
    msg = str(err.value)
    assert "truncated" in msg or "unfinished string" in msg
    assert msg.startswith(f"{path}, line {cut.count(chr(10)) + 1}: ")  # the last line of the cut
    with pytest.raises(MalformedFile, match="unfinished string"):
        lua.loads("return { a = 'no end }")
    with pytest.raises(MalformedFile, match="not closed"):
        lua.loads("return {\n {\n a = 'x' }")


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(MalformedFile, match="cannot read"):
        lua.load(tmp_path / "absent.lua")
    bad = tmp_path / "latin1.lua"
    bad.write_bytes("return {\n a = 'Côte' }".encode("latin-1"))
    with pytest.raises(MalformedFile, match=r"latin1\.lua, line 2: not UTF-8"):
        lua.load(bad)


def test_depth_and_size_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    deep = "return " + "{" * (lua.MAX_DEPTH + 2) + "}" * (lua.MAX_DEPTH + 2)
    with pytest.raises(MalformedFile, match="nested more than"):
        lua.loads(deep)
    monkeypatch.setattr(lua, "MAX_BYTES", 100)
    with pytest.raises(MalformedFile, match="too large"):
        lua.loads("return {" + " " * 200 + "}")


def test_bom_and_malformed_number() -> None:
    assert lua.loads("\ufeffreturn {1}") == [1]
    with pytest.raises(MalformedFile, match="malformed number"):
        lua.loads("return { 12abc }")
