"""What this CPU is: its model name and the vector instructions that decide how fast Keras trains
on it (no TensorFlow or Keras here).

Two x86 machines with the same core count trained resnet9 three times apart in float32 and forty
times apart in bfloat16: on one with AVX512-BF16, bfloat16 mixed precision trains it 1.43 times
as fast as float32 (486 against 339 images a second, batch 512); on one with AVX2 only, bfloat16
is emulated and trains it 9 times slower (11.5 against 107, batch 256, 2026-12-01). So a recorded figure
names the CPU and its vector units (`describe`), and a mixed-precision run on a CPU without
bfloat16 instructions trains in float32 (zoo.training.keras_setup).

Neither TensorFlow nor Keras says which instructions the CPU has in a public API, so the flags
are read where the operating system publishes them: /proc/cpuinfo on Linux, sysctl on macOS.

    >>> from zoo import cpu
    >>> cpu.describe()                      # doctest: +SKIP
    'AMD EPYC (AVX2)'
    >>> cpu.native_bfloat16()               # doctest: +SKIP
    False
"""
from __future__ import annotations

import functools
import platform
import subprocess

CPUINFO = "/proc/cpuinfo"
# Flags (as Linux names them) of the instructions that compute in bfloat16: x86's AVX512-BF16
# and AMX, Arm's BF16 extension.
BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16", "bf16")
# The widest vector units, in the order describe() names them.
VECTOR_UNITS = (("AVX512", ("avx512f",)), ("AVX2", ("avx2",)), ("NEON", ("asimd", "neon")))


@functools.lru_cache(maxsize=None)
def _cpuinfo() -> str:
    try:
        with open(CPUINFO) as f:
            return f.read()
    except OSError:
        return ""


def _fields(text: str, names) -> list[str]:
    """The values of the first line of each of `names` in a /proc/cpuinfo text."""
    out = []
    for name in names:
        for line in text.splitlines():
            key, sep, value = line.partition(":")
            if sep and key.strip().lower() == name:
                out.append(value.strip())
                break
    return out


def flags(text: str | None = None) -> set[str] | None:
    """The CPU's feature flags, lower case (Linux names); None where they cannot be read.

    Args:
        text: a /proc/cpuinfo text (default: this machine's; on macOS, sysctl's features).
    """
    if text is None:
        if platform.system() == "Darwin":
            return _darwin_flags()
        text = _cpuinfo()
    found = _fields(text, ("flags", "features"))  # x86 names them flags, Arm features
    return set(found[0].lower().split()) if found else None


def _darwin_flags() -> set[str] | None:
    """Apple's names for the two features that matter here, as Linux spells them."""
    out = set()
    for key, flag in (("hw.optional.arm.FEAT_BF16", "bf16"), ("hw.optional.avx2_0", "avx2"),
                      ("hw.optional.avx512f", "avx512f"), ("hw.optional.neon", "asimd")):
        try:
            value = subprocess.run(["sysctl", "-n", key], capture_output=True, text=True,
                                   timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None
        if value == "1":
            out.add(flag)
    return out


def native_bfloat16(text: str | None = None) -> bool | None:
    """Whether the CPU computes in bfloat16 itself (True), emulates it (False), or cannot tell
    (None: its flags are not readable here)."""
    found = flags(text)
    if found is None:
        return None
    return any(flag in found for flag in BFLOAT16_FLAGS)


def model_name(text: str | None = None) -> str | None:
    """The CPU's model name ('AMD EPYC 7B13'), None where it is not published."""
    if text is None and platform.system() == "Darwin":
        try:
            name = subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"],
                                  capture_output=True, text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            name = ""
        return name or None
    found = _fields(_cpuinfo() if text is None else text, ("model name", "cpu model"))
    return " ".join(found[0].split()) if found else None


def describe(text: str | None = None) -> str | None:
    """The CPU's name and vector units, e.g. 'AMD EPYC (AVX512, BF16)' or 'AMD EPYC (AVX2)';
    None where neither is known."""
    found = flags(text)
    units = []
    if found is not None:
        widest = next((name for name, names in VECTOR_UNITS
                       if any(flag in found for flag in names)), None)
        units = [widest] if widest else []
        if native_bfloat16(text):
            units.append("BF16")
    name = model_name(text)
    if name is None and not units:
        return None
    return " ".join(filter(None, [name or "CPU", f"({', '.join(units)})" if units else ""]))
