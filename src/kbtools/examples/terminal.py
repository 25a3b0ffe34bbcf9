"""Terminal emulation for ``tty`` examples: the lines a screen would show
(:func:`render_terminal`) and the keys an example types (:func:`parse_keys`)."""
from __future__ import annotations

import re
import shlex

from kbtools.examples.output import _trim


_ESCAPE_RE = re.compile(r"\x1b(?:\[(?P<params>[0-?]*)[ -/]*(?P<final>[@-~])|\][^\x07\x1b]*"
                        r"(?:\x07|\x1b\\)|[()][A-Za-z0-9]|.)", re.S)


def render_terminal(data: bytes | str) -> list[str]:
    """The lines a terminal would show for this output: carriage returns, backspaces, tabs and
    the erase/cursor escape sequences are applied, other escape sequences are dropped."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    rows: list[list[str]] = [[]]
    row = col = 0

    def put(char: str) -> None:
        nonlocal col
        line = rows[row]
        while len(line) < col:
            line.append(" ")
        if col < len(line):
            line[col] = char
        else:
            line.append(char)
        col += 1

    index = 0
    while index < len(text):
        char = text[index]
        if char == "\x1b":
            match = _ESCAPE_RE.match(text, index)
            if not match:
                break
            index = match.end()
            final, params = match["final"], match["params"] or ""
            numbers = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else []
            count = max(numbers[0], 1) if numbers else 1
            if final == "K":
                mode = numbers[0] if numbers else 0
                line = rows[row]
                if mode == 0:
                    del line[col:]
                elif mode == 1:
                    line[:col] = [" "] * min(col, len(line))
                else:
                    line.clear()
            elif final == "J":
                mode = numbers[0] if numbers else 0
                if mode == 0:
                    del rows[row][col:]
                    del rows[row + 1:]
                else:
                    rows, row, col = [[]], 0, 0
            elif final == "C":
                col += count
            elif final == "D":
                col = max(col - count, 0)
            elif final == "G":
                col = max(count - 1, 0)
            elif final == "A":
                row = max(row - count, 0)
            elif final == "B":
                row += count
                while len(rows) <= row:
                    rows.append([])
            continue
        index += 1
        if char == "\n":
            row += 1
            col = 0
            while len(rows) <= row:
                rows.append([])
        elif char == "\r":
            col = 0
        elif char == "\b":
            col = max(col - 1, 0)
        elif char == "\t":
            col = (col // 8 + 1) * 8
        elif char == "\x07" or (ord(char) < 32 and char not in "\n\r\b\t"):
            continue
        else:
            put(char)
    lines = ["".join(line).rstrip() for line in rows]
    return _trim(lines)


_KEY_NAMES = {"enter": "\r", "return": "\r", "tab": "\t", "esc": "\x1b", "space": " ",
              "backspace": "\x7f", "up": "\x1b[A", "down": "\x1b[B", "right": "\x1b[C",
              "left": "\x1b[D"}


def parse_keys(spec: str) -> list[bytes]:
    """``"ctrl-p ctrl-q"`` -> [b"\\x10", b"\\x11"]; ``"'echo hi' enter"`` types text, then Enter.
    Names: ctrl-<letter or [\\]^_@>, enter, tab, esc, space, backspace, up/down/left/right;
    any other word is typed as it is."""
    keys: list[bytes] = []
    for word in shlex.split(spec):
        lower = word.lower()
        if lower.startswith("ctrl-") and len(word) == 6:
            keys.append(bytes([ord(word[5].upper()) & 0x1F]))
        elif lower in _KEY_NAMES:
            keys.append(_KEY_NAMES[lower].encode())
        else:
            keys.append(word.encode())
    return keys
