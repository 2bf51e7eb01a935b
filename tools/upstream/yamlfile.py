"""Read a YAML file and keep the line each mapping and string came from.

The reference specs are large (the whole `reference/` folder is about 4 MB); libyaml's
parser reads them in well under a second. Mappings become `LineDict` and strings
`LineStr`, which carry the 1-based line where they start, so every finding and every
parse error can name `file:line`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bc_scopes.model import SAFE_LOADER


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers its first line."""

    line: int = 0


class LineStr(str):
    """A YAML string that remembers its first line and its style (`|`, `>`, quotes)."""

    line: int = 0
    style: str | None = None

    @property
    def first_text_line(self) -> int:
        """The file line of the string's first character of text.

        A block scalar (`|`, `>`) starts on the line after its indicator; a plain or
        quoted one on its own line.
        """
        return self.line + 1 if self.style in ("|", ">") else self.line


class _LineLoader(SAFE_LOADER):  # type: ignore[misc]
    pass


def _construct_map(loader: Any, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


def _construct_str(loader: Any, node: yaml.ScalarNode) -> LineStr:
    value = LineStr(loader.construct_scalar(node))
    value.line = node.start_mark.line + 1
    value.style = node.style
    return value


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def load_yaml_text(text: str, source: str) -> Any:
    """Parse YAML text; a syntax error becomes an UpstreamError naming source:line."""
    from .errors import UpstreamError

    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise UpstreamError(source, line, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as error:
        raise UpstreamError(source, None, f"invalid YAML: {error}") from None
    except RecursionError:
        raise UpstreamError(source, None, "YAML nested too deeply") from None


def load_yaml_file(path: Path, source: str) -> Any:
    """Read and parse one YAML file; unreadable or undecodable files are UpstreamErrors."""
    from .errors import UpstreamError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UpstreamError(source, None, "file not found") from None
    except UnicodeDecodeError as error:
        raise UpstreamError(source, None, f"byte {error.start} is not valid UTF-8") from None
    except OSError as error:
        raise UpstreamError(source, None, f"cannot read the file ({error.strerror})") from None
    return load_yaml_text(text, source)


def line_of(value: Any, default: int = 0) -> int:
    """The line a parsed value came from, or `default` for numbers, lists and None."""
    line = getattr(value, "line", 0)
    return line if isinstance(line, int) and line > 0 else default
