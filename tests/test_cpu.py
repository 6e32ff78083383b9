"""zoo.cpu reads the CPU's name and flags as Linux publishes them (texts of three real kinds of
/proc/cpuinfo, trimmed), and the precision policy of a mixed-precision run follows them."""
import pytest

from zoo import cpu
from zoo.training import keras_setup
from zoo.training.outputs import machine

AVX2 = """processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B12
flags\t\t: fpu vme sse sse2 avx avx2 fma bmi2
"""
AVX512_BF16 = """processor\t: 0
model name\t: AMD EPYC 9B14
flags\t\t: fpu sse2 avx avx2 avx512f avx512dq avx512_bf16 avx512_vnni
"""
ARM_BF16 = """processor\t: 0
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics bf16 i8mm
CPU implementer\t: 0x41
"""


@pytest.mark.parametrize("text, native, described", [
    (AVX2, False, "AMD EPYC 7B12 (AVX2)"),
    (AVX512_BF16, True, "AMD EPYC 9B14 (AVX512, BF16)"),
    (ARM_BF16, True, "CPU (NEON, BF16)"),
    ("processor\t: 0\n", None, None),
])
def test_the_flags_say_whether_bfloat16_is_computed_or_emulated(text, native, described):
    assert cpu.native_bfloat16(text) is native
    assert cpu.describe(text) == described


def test_a_cpu_without_bfloat16_keeps_float32_and_one_that_has_it_or_cannot_tell_mixes(
        monkeypatch):
    for native, policy in ((False, None), (True, "mixed_bfloat16"), (None, "mixed_bfloat16")):
        monkeypatch.setattr(cpu, "native_bfloat16", lambda text=None, native=native: native)
        assert keras_setup.precision_policy(gpu=False) == policy
    assert keras_setup.precision_policy(gpu=True) == "mixed_float16"


def test_the_recorded_machine_names_the_cpu(monkeypatch):
    monkeypatch.setattr(cpu, "_cpuinfo", lambda: AVX2)
    monkeypatch.setattr(cpu.platform, "system", lambda: "Linux")
    assert machine().endswith(", AMD EPYC 7B12 (AVX2)")
