import jobs.tests.kinds  # noqa: F401 (registers the test kinds)
