"""The SIREN, the French company number: nine digits whose Luhn checksum is right."""


def normalized_siren(text):
    """The SIREN as typed, without the spaces people put between its groups of three."""
    return "".join(str(text or "").split())


def siren_is_valid(siren):
    """Nine digits passing the Luhn check, like every real SIREN."""
    if len(siren) != 9 or not siren.isascii() or not siren.isdigit():
        return False
    total = 0
    for index, digit in enumerate(int(char) for char in reversed(siren)):
        doubled = digit * 2 if index % 2 else digit
        total += doubled - 9 if doubled > 9 else doubled
    return total % 10 == 0
