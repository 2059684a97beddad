"""Apps whose widget session store is under test: on the filesystem, or on the machine's Redis.

The tests' sessions share Redis database 15 (REDIS_URL): their ids are random, so tests running
at the same time (pytest-xdist's workers) never meet there, and each app's rate-limit counts have
a key prefix of its own. The one test that reads every key of its database has database 11 to
itself (tests/test_encryption_at_rest.py).
"""
import redis

from tests.live_server import limits_of_its_own
from widget import create_app

REDIS_URL = "redis://127.0.0.1:6379/15"


def make_app(tmp_path, **config):
    """An app without the sandbox (its upstream unreachable), for the store alone."""
    return create_app({"TESTING": True, "SANDBOX": False, "SECRET_KEY": "t",
                       "SESSION_ENCRYPTION_KEYS": "Y7Ky9-1TugGtSXV1UDCU7TCr9uTUAsxUHI3dwdhw6_w=",
                       "API_BASE_URL": "http://127.0.0.1:9/api",
                       "AUTH_BASE_URL": "http://127.0.0.1:9/auth",
                       "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
                       "RATELIMIT_KEY_PREFIX": limits_of_its_own(),
                       "INSTANCE_PATH": str(tmp_path), **config})


def redis_available():
    try:
        return redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
