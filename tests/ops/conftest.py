from tests.deadline_world import assigned, people, session  # noqa: F401 - fixtures
from tests.notifications.test_enforcement_services import world  # noqa: F401 - fixture
