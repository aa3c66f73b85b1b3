"""The benchmark command runs (a smoke run at tiny sizes); it measures, it asserts no speed."""

import importlib.util


def test_benchmark_script_prints_its_tables(root, capsys):
    spec = importlib.util.spec_from_file_location("bench_run", root / "benchmarks" / "run.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text = bench.main(["--quick", "--only", "mu", "hals", "memory", "--repeat", "1"])
    for heading in ("Machine:", "## MU", "## HALS", "## Peak memory"):
        assert heading in text
    assert text.count("|---|") >= 3 and "nan" not in text.lower()
