"""Reading a Lua *data* table, such as Meta-Wiki's ``Module:Organizational_Informations``, safely.

This is a dedicated data-only parser, not a Lua interpreter: nothing in the file is ever run. It
accepts exactly one shape, ``return { ... }`` (optionally followed by ``;``), whose values are
strings, numbers, booleans and nested table constructors, with ``--`` comments anywhere. Anything
else (a function call such as ``os.execute(...)``, ``setmetatable``, a loop, an operator such as
``..``, a variable, a function value) is refused with :class:`~glamgraph.errors.MalformedFile`
naming the file and the line. Since nothing executes, a hostile module cannot loop, allocate a
huge string or touch the system; the input size (:data:`MAX_BYTES`), the nesting depth
(:data:`MAX_DEPTH`), the number of values (:data:`MAX_ITEMS`) and the length of a number
(:data:`MAX_NUMBER_CHARS`) are capped as well, and tokens are read one at a time (never all
kept), so memory stays proportional to the data returned.

Strings follow Lua 5.1, the Lua of Scribunto (MediaWiki): single or double quotes, the escapes
``\\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\'``, a backslash before a line break, ``\\ddd`` decimal
bytes, and (as Lua 5.1 does) any other escaped character stands for itself; long brackets
``[[...]]`` and ``[==[...]==]`` too.

A table whose fields are all positional becomes a :class:`LuaList`, any other a
:class:`LuaTable` (a ``dict``; positional fields get the integer keys 1, 2, ... as in Lua). Both
remember the line where they start (``.line``), so callers can point at an entry. ``key = nil``
leaves the key out, as in Lua.

>>> loads("-- a comment\\nreturn { {group_name = 'Wikimedia\\\\'s mission', "
...       "dm_structure = {'Board', 'Democratic Process'}, n = -2.5, ok = true} }")
[{'group_name': "Wikimedia's mission", 'dm_structure': ['Board', 'Democratic Process'], 'n': -2.5, 'ok': True}]
>>> loads("return { os.execute('touch /tmp/x') }", name="evil.lua")
Traceback (most recent call last):
...
glamgraph.errors.MalformedFile: evil.lua, line 1: 'os' is not allowed here: only strings, numbers, booleans and tables may appear in a data module
"""

from __future__ import annotations

import bisect
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Final, TypeAlias

from glamgraph.errors import MalformedFile

#: The largest source accepted (the real module is about 60 kB); a file is refused before it is read.
MAX_BYTES: Final = 8 * 1024 * 1024
#: The deepest nesting of tables accepted.
MAX_DEPTH: Final = 64
#: The most values (tables, strings, numbers, booleans) one source may hold; the real module
#: holds about 1,500.
MAX_ITEMS: Final = 100_000
#: The longest number literal accepted, in characters (a 5,000-digit integer is refused).
MAX_NUMBER_CHARS: Final = 64

LuaKey: TypeAlias = str | int | float | bool
LuaValue: TypeAlias = "str | int | float | bool | LuaTable | LuaList"

_RESERVED: Final = frozenset(
    [
        "and",
        "break",
        "do",
        "else",
        "elseif",
        "end",
        "false",
        "for",
        "function",
        "goto",
        "if",
        "in",
        "local",
        "nil",
        "not",
        "or",
        "repeat",
        "return",
        "then",
        "true",
        "until",
        "while",
    ]
)
_ESCAPES: Final = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
    "\n": "\n",
}
_TOKEN_RE: Final = re.compile(
    r"""
    (?P<space>[ \t\r\n\f\v]+)
  | (?P<comment>--)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<number>0[xX][0-9A-Fa-f]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<quote>['"])
  | (?P<long>\[=*\[)
  | (?P<punct>[{}\[\]=,;-])
    """,
    re.VERBOSE,
)
_LONG_OPEN_RE: Final = re.compile(r"\[(=*)\[")
_ALLOWED: Final = "only strings, numbers, booleans and tables may appear in a data module"


class LuaTable(dict[LuaKey, LuaValue]):
    """A Lua table with keys, as a ``dict``; ``line`` is where its ``{`` stands."""

    line: int = 0


class LuaList(list[LuaValue]):
    """A Lua table of positional values only, as a ``list``; ``line`` is where its ``{`` stands."""

    line: int = 0


class _Token:
    __slots__ = ("kind", "line", "value")

    def __init__(self, kind: str, value: str | int | float, line: int) -> None:
        self.kind = kind  # name, number, string, punct, eof
        self.value = value
        self.line = line

    def __repr__(self) -> str:
        return f"{self.kind}:{self.value!r}@{self.line}"


def _describe(tok: _Token) -> str:
    if tok.kind == "eof":
        return "end of file"
    if tok.kind == "string":
        return "a string"
    return repr(str(tok.value))


class _Lexer:
    """Cuts the source into tokens; every error names the source and the line."""

    def __init__(self, text: str, name: str) -> None:
        self.text = text
        self.name = name
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_at(self, pos: int) -> int:
        return bisect.bisect_right(self._starts, pos)

    def fail(self, pos_or_line: int, problem: str, *, is_line: bool = False) -> MalformedFile:
        line = pos_or_line if is_line else self.line_at(pos_or_line)
        return MalformedFile(f"{self.name}, line {line}: {problem}")

    def tokens(self) -> Iterator[_Token]:
        """The tokens, lazily: a parse error before a lexical one is reported first."""
        text, pos = self.text, 0
        end = len(text)
        while pos < end:
            m = _TOKEN_RE.match(text, pos)
            if m is None:
                ch = text[pos]
                two = text[pos : pos + 2]
                shown = ".." if two == ".." else ch
                raise self.fail(pos, f"unexpected {shown!r}: {_ALLOWED}")
            kind = m.lastgroup
            if kind == "space":
                pos = m.end()
            elif kind == "comment":
                pos = self._skip_comment(m.end())
            elif kind == "name":
                yield _Token("name", m.group(), self.line_at(pos))
                pos = m.end()
            elif kind == "number":
                if m.end() - pos > MAX_NUMBER_CHARS:
                    raise self.fail(
                        pos,
                        f"number too long ({m.end() - pos} characters; at most {MAX_NUMBER_CHARS})",
                    )
                after = text[m.end() : m.end() + 1]
                if after and (after.isalnum() or after in "_."):
                    raise self.fail(pos, f"malformed number near {text[pos : m.end() + 1]!r}")
                yield _Token("number", _number(m.group()), self.line_at(pos))
                pos = m.end()
            elif kind == "quote":
                value, new = self._short_string(pos)
                yield _Token("string", value, self.line_at(pos))
                pos = new
            elif kind == "long":
                value, new = self._long_string(pos, len(m.group()) - 2)
                yield _Token("string", value, self.line_at(pos))
                pos = new
            else:
                yield _Token("punct", m.group(), self.line_at(pos))
                pos = m.end()
        yield _Token("eof", "", self.line_at(end))

    def _skip_comment(self, pos: int) -> int:
        m = _LONG_OPEN_RE.match(self.text, pos)
        if m is not None:
            close = "]" + m.group(1) + "]"
            stop = self.text.find(close, m.end())
            if stop < 0:
                raise self.fail(pos, "unfinished long comment (end of file inside it)")
            return stop + len(close)
        stop = self.text.find("\n", pos)
        return len(self.text) if stop < 0 else stop + 1

    def _long_string(self, pos: int, level: int) -> tuple[str, int]:
        start = pos + level + 2
        close = "]" + "=" * level + "]"
        stop = self.text.find(close, start)
        if stop < 0:
            raise self.fail(pos, "unfinished long string (end of file inside it)")
        body = self.text[start:stop]
        if body.startswith("\r\n"):
            body = body[2:]
        elif body.startswith("\n"):
            body = body[1:]
        return body, stop + len(close)

    def _short_string(self, pos: int) -> tuple[str, int]:
        text, quote = self.text, self.text[pos]
        plain = re.compile(r"[^\\\n" + quote + "]+")
        buf = bytearray()
        i = pos + 1
        while True:
            m = plain.match(text, i)
            if m is not None:
                buf += m.group().encode("utf-8", "surrogatepass")
                i = m.end()
            if i >= len(text) or text[i] == "\n":
                raise self.fail(pos, "unfinished string (no closing quote on its line)")
            ch = text[i]
            if ch == quote:
                return buf.decode("utf-8", "replace"), i + 1
            # a backslash escape
            if i + 1 >= len(text):
                raise self.fail(pos, "unfinished string (end of file after a backslash)")
            nxt = text[i + 1]
            if nxt.isdigit():
                digits = re.match(r"[0-9]{1,3}", text[i + 1 : i + 4])
                assert digits is not None
                code = int(digits.group())
                if code > 255:
                    raise self.fail(i, f"escape sequence too large: \\{digits.group()}")
                buf.append(code)
                i += 1 + len(digits.group())
            elif nxt == "\r":  # a backslash before CR LF continues the string on the next line
                buf += b"\n"
                i += 3 if text[i + 2 : i + 3] == "\n" else 2
            else:
                buf += _ESCAPES.get(nxt, nxt).encode("utf-8", "surrogatepass")
                i += 2


def _number(text: str) -> int | float:
    if text[:2] in ("0x", "0X"):
        return int(text, 16)
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    return float(text)


class _Parser:
    def __init__(self, lexer: _Lexer) -> None:
        self.lexer = lexer
        self._gen = lexer.tokens()
        # Only the look-ahead is kept (at most two tokens), never the tokens already read.
        self._ahead: deque[_Token] = deque()
        self.items = 0

    def fail(self, tok: _Token, problem: str) -> MalformedFile:
        return self.lexer.fail(tok.line, problem, is_line=True)

    def peek(self, offset: int = 0) -> _Token:
        ahead = self._ahead
        while len(ahead) <= offset and (not ahead or ahead[-1].kind != "eof"):
            ahead.append(next(self._gen))
        return ahead[min(offset, len(ahead) - 1)]

    def take(self) -> _Token:
        tok = self.peek()
        if tok.kind != "eof":  # the end stays, so every later peek sees it
            self._ahead.popleft()
        return tok

    def expect(self, value: str, context: str) -> _Token:
        tok = self.take()
        if tok.kind != "punct" or tok.value != value:
            raise self.fail(tok, f"expected {value!r} {context}, found {_describe(tok)}")
        return tok

    def module(self) -> LuaValue:
        tok = self.take()
        if tok.kind != "name" or tok.value != "return":
            raise self.fail(
                tok, f"expected 'return {{' (a plain data table), found {_describe(tok)}"
            )
        first = self.peek()
        if first.kind != "punct" or first.value != "{":
            raise self.fail(first, f"expected a table after 'return', found {_describe(first)}")
        value = self.value(depth=0)
        if self.peek().kind == "punct" and self.peek().value == ";":
            self.take()
        tail = self.take()
        if tail.kind != "eof":
            raise self.fail(tail, f"unexpected {_describe(tail)} after the returned table")
        return value

    def value(self, depth: int) -> LuaValue:
        tok = self.peek()
        self.items += 1
        if self.items > MAX_ITEMS:
            raise self.fail(tok, f"too many values (more than {MAX_ITEMS})")
        if tok.kind == "string":
            self.take()
            return str(tok.value)
        if tok.kind == "number":
            self.take()
            return tok.value
        if tok.kind == "punct" and tok.value == "-":
            sign = 1
            while self.peek().kind == "punct" and self.peek().value == "-":
                self.take()
                sign = -sign
            num = self.take()
            if num.kind != "number" or isinstance(num.value, str):
                raise self.fail(num, f"'-' may only precede a number, found {_describe(num)}")
            return sign * num.value
        if tok.kind == "punct" and tok.value == "{":
            return self.table(depth + 1)
        if tok.kind == "name":
            if tok.value in ("true", "false"):
                self.take()
                return tok.value == "true"
            if tok.value == "function":
                raise self.fail(tok, f"a function value is not allowed: {_ALLOWED}")
            raise self.fail(tok, f"{_describe(tok)} is not allowed here: {_ALLOWED}")
        if tok.kind == "eof":
            raise self.fail(tok, "unexpected end of file (the file is truncated)")
        raise self.fail(tok, f"expected a value, found {_describe(tok)}")

    def table(self, depth: int) -> LuaValue:
        open_tok = self.expect("{", "to open a table")
        if depth > MAX_DEPTH:
            raise self.fail(open_tok, f"tables nested more than {MAX_DEPTH} deep")
        keyed: list[tuple[LuaKey, LuaValue | None]] = []
        positional: list[LuaValue] = []
        while True:
            tok = self.peek()
            if tok.kind == "punct" and tok.value == "}":
                self.take()
                break
            if tok.kind == "eof":
                raise self.fail(
                    tok,
                    f"unexpected end of file: the table opened on line {open_tok.line} is not "
                    "closed (the file is truncated)",
                )
            if tok.kind == "punct" and tok.value == "[":
                self.take()
                key_tok = self.peek()
                key = self.value(depth)
                if isinstance(key, LuaTable | LuaList):
                    raise self.fail(key_tok, "a table cannot be a key")
                self.expect("]", "after a [key]")
                self.expect("=", "after a [key]")
                keyed.append((_norm_key(key), self._field_value(depth)))
            elif self._named_field(tok):
                if tok.value in _RESERVED:
                    raise self.fail(tok, f"{tok.value!r} is a reserved word, not a field name")
                self.take()
                self.take()
                keyed.append((str(tok.value), self._field_value(depth)))
            else:
                if tok.kind == "name" and tok.value == "nil":
                    raise self.fail(tok, "a positional nil is not allowed in a data table")
                positional.append(self.value(depth))
            sep = self.peek()
            if sep.kind == "punct" and sep.value in (",", ";"):
                self.take()
            elif not (sep.kind == "punct" and sep.value == "}"):
                if sep.kind == "eof":
                    raise self.fail(
                        sep,
                        f"unexpected end of file: the table opened on line {open_tok.line} is "
                        "not closed (the file is truncated)",
                    )
                raise self.fail(sep, f"expected ',' or '}}' after a field, found {_describe(sep)}")
        if not keyed:
            out_list = LuaList(positional)
            out_list.line = open_tok.line
            return out_list
        out = LuaTable()
        out.line = open_tok.line
        for k, v in keyed:
            if v is None:
                out.pop(k, None)
            else:
                out[k] = v
        for n, v in enumerate(positional, start=1):
            out[n] = v
        return out

    def _named_field(self, tok: _Token) -> bool:
        """True when ``tok`` starts a ``name = value`` field (a lexical error after a name that
        is not followed by ``=`` is reported as that name being out of place)."""
        if tok.kind != "name" or tok.value in ("true", "false", "nil", "function"):
            return False
        try:
            nxt = self.peek(1)
        except MalformedFile:
            raise self.fail(tok, f"{_describe(tok)} is not allowed here: {_ALLOWED}") from None
        return nxt.kind == "punct" and nxt.value == "="

    def _field_value(self, depth: int) -> LuaValue | None:
        tok = self.peek()
        if tok.kind == "name" and tok.value == "nil":
            self.take()
            return None
        return self.value(depth)


def _norm_key(key: LuaValue) -> LuaKey:
    if isinstance(key, float) and key.is_integer():
        return int(key)
    assert isinstance(key, str | int | float | bool)
    return key


def loads(text: str, name: str = "<string>") -> LuaValue:
    """Read the table a ``return { ... }`` Lua data module returns, without running anything.

    Args:
        text: the Lua source.
        name: what error messages call the source (a file path, a page and revision).

    Returns:
        A :class:`LuaList` or :class:`LuaTable` of strings, numbers, booleans and nested tables.

    Raises:
        MalformedFile: for anything that is not a plain data table, naming ``name`` and the line.

    >>> loads("return {1, 0x10, [[long\\nstring]], key = 'x', [10] = false}")
    {'key': 'x', 10: False, 1: 1, 2: 16, 3: 'long\\nstring'}
    >>> loads("return { a = 'x' b = 'y' }", name="m.lua")
    Traceback (most recent call last):
    ...
    glamgraph.errors.MalformedFile: m.lua, line 1: expected ',' or '}' after a field, found 'b'
    """
    if len(text) > MAX_BYTES:
        raise MalformedFile(f"{name}: too large ({len(text)} characters; at most {MAX_BYTES})")
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Parser(_Lexer(text, name)).module()


def load(path: str | Path) -> LuaValue:
    """Read a Lua data module from a UTF-8 file (see :func:`loads`).

    Raises:
        MalformedFile: the file cannot be read, is not UTF-8, or is not a plain data table.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise MalformedFile(f"{p}: too large ({size} bytes; at most {MAX_BYTES})")
        raw = p.read_bytes()
    except OSError as exc:
        raise MalformedFile(f"{p}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MalformedFile(f"{p}, line {line}: not UTF-8 text") from exc
    return loads(text, str(p))
