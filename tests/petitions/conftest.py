from tests.deadline_world import assigned, people, session  # noqa: F401 - fixtures
