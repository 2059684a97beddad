"""The dependency locks are current with the requirements*.in files (`make lock` was run)."""
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {"requirements.txt": "requirements.in", "requirements-dev.txt": "requirements-dev.in"}


def direct_requirements(in_file):
    """The requirements an .in file names, following `-r` includes (`-c` only constrains)."""
    requirements = []
    for line in (ROOT / in_file).read_text().splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith(("#", "-c")):
            continue
        if line.startswith("-r"):
            requirements += direct_requirements(line[2:].strip())
        else:
            requirements.append(Requirement(line))
    return requirements


def read_lock(lock_file):
    """{name: (version, hashes, via)} from a lock compiled by `make lock`."""
    text = re.sub(r"\A(#.*\n)+", "", (ROOT / lock_file).read_text())  # the header
    entries = {}
    # An entry: `name==version [; marker] \` then `--hash=` lines, then its `# via` comments.
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.strip()):
        head, _, rest = block.partition("\n")
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)(?: ;[^\\]*)? \\", head)
        assert match, f"{lock_file}: not an exact pin: {head!r}"
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", rest)
        via = [re.sub(r"^#\s*(via)?\s*", "", line.strip()) for line in rest.splitlines()
               if line.strip().startswith("#")]
        entries[canonicalize_name(match[1])] = (match[2], hashes, [v for v in via if v])
    return entries


@pytest.mark.parametrize("lock_file, in_file", LOCKS.items())
def test_every_direct_requirement_is_pinned_within_its_range(lock_file, in_file):
    lock = read_lock(lock_file)
    for requirement in direct_requirements(in_file):
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{requirement.name} is in {in_file} but not in {lock_file}"
        version = lock[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock_file} pins {name}=={version}, outside {in_file}'s {requirement.specifier}"
        )


@pytest.mark.parametrize("lock_file", LOCKS)
def test_every_pin_comes_from_the_in_files_and_is_hashed(lock_file):
    lock = read_lock(lock_file)
    for name, (version, hashes, via) in lock.items():
        assert hashes, f"{lock_file}: {name} has no hash (pip's hash-checking mode needs all)"
        assert via, f"{lock_file}: {name} does not say which requirement brought it"
        for source in via:
            if source.startswith("-r "):
                # A package a .in file no longer names leaves a stale pin behind.
                named = {canonicalize_name(r.name) for r in direct_requirements(source[3:])}
                assert name in named, f"{lock_file}: {name} is no longer in {source[3:]}"
            elif not source.startswith("-c "):
                assert canonicalize_name(source) in lock, f"{lock_file}: {name} via {source}?"


def test_the_tests_run_on_the_versions_a_deployment_installs():
    runtime, dev = read_lock("requirements.txt"), read_lock("requirements-dev.txt")
    for name, (version, hashes, _via) in runtime.items():
        assert name in dev, f"requirements-dev.txt lacks {name}"
        assert dev[name][0] == version, f"{name}: {version} deployed, {dev[name][0]} tested"
        assert set(dev[name][1]) == set(hashes), f"{name}: the two locks trust other files"
