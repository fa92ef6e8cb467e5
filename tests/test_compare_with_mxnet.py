"""tools/compare_with_mxnet.py: which lines count as random, and how outputs are compared."""

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tool():
    spec = importlib.util.spec_from_file_location(
        "compare_with_mxnet", os.path.join(ROOT, "tools", "compare_with_mxnet.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RUN_A = "w\n\n[[0.5 0. ]\n [0.  0. ]]\n<NDArray 2x2 @cpu(0)>\ndone 3"
RUN_B = "w\n\n[[0.7 0. ]\n [0.  0. ]]\n<NDArray 2x2 @cpu(0)>\ndone 3"


def test_random_lines_cover_the_whole_printed_array():
    # the second row printed the same in both runs, yet comes from the same generator
    assert _tool().random_lines(RUN_A, RUN_B) == [2, 3]


def test_random_lines_align_runs_whose_arrays_wrap_differently():
    b = "w\n\n[[7.0e-01\n  1.0e-09]\n [0.  0. ]]\n<NDArray 2x2 @cpu(0)>\ndone 3"
    assert _tool().random_lines(RUN_A, b) == [2, 3]


def test_random_array_may_wrap_onto_another_number_of_lines():
    actual = "w\n\n[[1.2345e-03\n  0.0000e+00]\n [0.  0. ]]\n<NDArray 2x2 @cpu(0)>\ndone 3"
    assert _tool().compare(RUN_A, actual, [2, 3]) == []


def test_random_array_with_another_shape_is_reported():
    actual = "w\n\n[[0.1 0.2 0.3]\n [0.  0.  0. ]]\n<NDArray 2x3 @cpu(0)>\ndone 3"
    problems = _tool().compare(RUN_A, actual, [2, 3])
    assert len(problems) == 1 and "random NDArray differs in layout" in problems[0]


def test_values_outside_random_arrays_must_match():
    actual = RUN_A.replace("done 3", "done 4")
    assert _tool().compare(RUN_A, actual, [2, 3]) == [
        "line 6: 3 != 4\n  expected: done 3\n  actual:   done 4"
    ]


def test_extra_output_is_reported():
    problems = _tool().compare(RUN_A, RUN_A + "\nmore", [2, 3])
    assert problems == ["expected 6 lines, got 7 (unmatched from expected line 7, actual line 7)"]
