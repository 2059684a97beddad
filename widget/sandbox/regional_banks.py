"""Generated regional banks: fictional networks crossed with real cities, deterministic.

French ones first, by the size of their city (so by popularity), then a few in neighbouring
countries, for the `country` filter. Networks share a few logo styles; two have none, so the
widget's letter avatars show too.
"""
from typing import NamedTuple

# Fictional networks, so no real bank's name appears in the sandbox: (name, logo style).
NETWORKS = (
    ("Banque Régionale", "regionale"),
    ("Caisse Mutuelle", "mutuelle"),
    ("Crédit Territorial", "territorial"),
    ("Caisse Solidaire", "solidaire"),
    ("Banque Coopérative", None),
    ("Crédit Rural", None),
)

CITIES = (
    "Paris", "Marseille", "Lyon", "Toulouse", "Nice", "Nantes", "Montpellier", "Strasbourg",
    "Bordeaux", "Lille", "Rennes", "Reims", "Toulon", "Saint-Étienne", "Le Havre", "Grenoble",
    "Dijon", "Angers", "Nîmes", "Clermont-Ferrand", "Le Mans", "Aix-en-Provence", "Brest",
    "Tours", "Amiens", "Limoges", "Annecy", "Perpignan", "Metz", "Besançon", "Orléans", "Rouen",
    "Mulhouse", "Caen", "Nancy", "Avignon", "Poitiers", "La Rochelle", "Pau", "Béziers",
    "Valence", "Ajaccio", "Bastia", "Quimper", "Vannes", "Saint-Malo", "Chambéry", "Colmar",
    "Troyes", "Chartres", "Bourges", "Niort", "Angoulême", "Périgueux", "Agen", "Tarbes",
    "Bayonne", "Albi", "Rodez", "Cahors", "Montauban", "Carcassonne", "Alès", "Arles",
    "Épinal", "Évreux", "Laval", "Saint-Brieuc", "Auxerre", "Nevers", "Mâcon", "Belfort",
    "Aurillac", "Le Puy-en-Velay", "Mont-de-Marsan", "La Roche-sur-Yon", "Blois",
    "Châteauroux", "Brive-la-Gaillarde", "Sète",
)

NETWORKS_PER_CITY = 4
VOWELS = "AEIOUYÂÉÈÊÎÔÛ"

# Abroad: (country, two networks as (name pattern, logo style), three cities), in the
# country's own words; ids `bank-<country>-<n>`.
ABROAD = (
    ("BE", (("Banque Régionale de {}", "regionale"), ("Caisse Wallonne de {}", None)),
     ("Liège", "Namur", "Charleroi")),
    ("DE", (("Regionalbank {}", "regionale"), ("Genossenschaftskasse {}", "mutuelle")),
     ("Köln", "Leipzig", "Freiburg")),
    ("ES", (("Caja Solidaria de {}", "solidaire"), ("Banco Territorial de {}", "territorial")),
     ("Sevilla", "Valencia", "Bilbao")),
    ("IT", (("Banca Regionale di {}", "regionale"), ("Cassa Mutua di {}", "mutuelle")),
     ("Torino", "Bologna", "Firenze")),
    ("NL", (("Spaarkas {}", None), ("Coöperatieve Kas {}", "mutuelle")),
     ("Utrecht", "Groningen", "Eindhoven")),
    ("PT", (("Caixa Regional de {}", "regionale"), ("Banco Solidário de {}", "solidaire")),
     ("Braga", "Coimbra", "Faro")),
)


class RegionalBank(NamedTuple):
    id: str
    name: str
    city: str
    country: str
    logo: str | None
    has_redirect: bool


def of_city(city):
    """The French 'of <city>' with its elision or contraction: d'Orléans, du Havre."""
    if city.startswith("Le "):
        return "du " + city[3:]
    if city[0] in VOWELS:
        return "d'" + city
    return "de " + city


def regional_banks():
    """Every generated bank, French ones by city size, then abroad."""
    number = 0
    for city_index, city in enumerate(CITIES):
        for offset in range(NETWORKS_PER_CITY):
            number += 1
            network, logo = NETWORKS[(city_index + offset) % len(NETWORKS)]
            yield RegionalBank(f"bank-{number:03d}", f"{network} {of_city(city)}", city, "FR",
                               logo, number % 3 == 0)
    for country, networks, cities in ABROAD:
        number = 0
        for city in cities:
            for pattern, logo in networks:
                number += 1
                yield RegionalBank(f"bank-{country.lower()}-{number}", pattern.format(city),
                                   city, country, logo, number % 2 == 0)
