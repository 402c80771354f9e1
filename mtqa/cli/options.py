"""Choices shared by the options of several commands (check, batch): one definition each."""

from __future__ import annotations

from enum import Enum

from mtqa.report import RENDERERS


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class ComputeType(str, Enum):
    auto = "auto"
    int8 = "int8"
    int8_float16 = "int8_float16"
    float16 = "float16"
    float32 = "float32"


class Severity(str, Enum):
    info = "info"
    minor = "minor"
    major = "major"
    critical = "critical"


# Report formats of `mtqa check`: one per renderer registered in mtqa.report.RENDERERS.
Format = Enum("Format", {name: name for name in RENDERERS}, type=str)  # type: ignore[misc]
