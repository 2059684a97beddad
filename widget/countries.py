"""ISO 3166-1 alpha-2 country codes: the `country` option, a locale's region, the sandbox's filter."""
from babel import Locale, UnknownLocaleError

# The 249 officially assigned codes (ISO 3166-1, as the Unicode CLDR lists them). Not the
# user-assigned or reserved ones a catalogue may carry (XK, EU, UN, ZZ...): no bank list
# filters on those.
CODES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split())


def country_code(value: object) -> str | None:
    """The code `value` names, upper case (`fr` is `FR`); None when it names none. Nothing is
    stripped: "FR\n" is refused, as every option with a trailing newline is."""
    if not isinstance(value, str):
        return None
    code = value.upper()
    return code if code in CODES else None


def split_locale(value: str) -> tuple[str, str | None]:
    """(language, region) of `fr`, `fr-FR` or `fr_FR`: the language lower case, the region as
    written, None when there is no separator (`fr-` has an empty one). The caller checks both."""
    language, separator, region = value.replace("_", "-").partition("-")
    return language.lower(), (region if separator else None)


def country_name(code: str, language: str) -> str:
    """The country's name in `language` (Babel's CLDR data), or the code when it has none."""
    try:
        names = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return code
    return str(names.get(code, code))
