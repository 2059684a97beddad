"""The SIREN, the French company number: nine digits whose Luhn checksum is right."""


def normalized_siren(text: object) -> str:
    """The SIREN as typed, without the spaces people put between its groups of three."""
    return "".join(str(text or "").split())


def siren_problem(siren: str) -> str | None:
    """What is wrong with a (normalised) SIREN: "format", "checksum", or None when it is valid."""
    if len(siren) != 9 or not siren.isascii() or not siren.isdigit():
        return "format"
    total = 0
    for index, digit in enumerate(int(char) for char in reversed(siren)):
        doubled = digit * 2 if index % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return None if total % 10 == 0 else "checksum"


def siren_is_valid(siren: str) -> bool:
    """Nine digits passing the Luhn check, like every real SIREN."""
    return siren_problem(siren) is None
