"""Runs one integration-test module for ctest: `run.py test_load`.

Exit codes: 0 every test ran and passed; 77 (ctest's SKIP_RETURN_CODE) none failed but
some were skipped, so ctest shows the module as skipped instead of passed; 1 a test
failed or errored, or none ran. Under CI (CI or RAGSCALE_CI set to 1, true or yes) a
skipped test is a failure: CI installs every peer (make test-deps), so a missing one
means the run did not test what it claims to.
"""
import os
import sys
import unittest

EXIT_SKIPPED = 77


def under_ci():
    return any(os.environ.get(name, "").strip().lower() in ("1", "true", "yes") for name in ("CI", "RAGSCALE_CI"))


def exit_code(result, ci):
    """The exit code for a finished unittest result (see the module's docstring)."""
    if not result.wasSuccessful() or result.testsRun == 0:
        return 1
    if result.skipped:
        return 1 if ci else EXIT_SKIPPED
    return 0


def main(argv):
    if len(argv) != 2:
        print("usage: run.py TEST_MODULE (e.g. test_load)", file=sys.stderr)
        return 2
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    suite = unittest.defaultTestLoader.loadTestsFromName(argv[1])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    ci = under_ci()
    code = exit_code(result, ci)
    if result.testsRun == 0:
        print("%s: no test ran" % argv[1])
    for test, reason in result.skipped:
        print("%s %s: %s" % ("FAILED (a skip is a failure under CI):" if ci else "skipped:", test.id(), reason))
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    print("%s: %d passed, %d failed, %d skipped" % (argv[1], passed, failed + (skipped if ci else 0),
                                                     0 if ci else skipped))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
