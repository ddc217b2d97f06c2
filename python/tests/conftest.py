"""Shared fixtures: pymrio's test MRIO, loaded once."""
import warnings

import pytest

warnings.simplefilter("ignore")


@pytest.fixture(scope="session")
def io_test():
    pymrio = pytest.importorskip("pymrio")
    assert pymrio.__version__ == "0.7.0", pymrio.__version__
    io = pymrio.load_test()
    io.calc_all()
    return io
