"""Generated French regional banks: fictional networks crossed with real cities, deterministic."""

# Fictional networks, so no real bank's name appears in the sandbox.
NETWORKS = (
    "Banque Régionale",
    "Caisse Mutuelle",
    "Crédit Territorial",
    "Caisse Solidaire",
    "Banque Coopérative",
    "Crédit Rural",
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


def of_city(city):
    """The French 'of <city>' with its elision or contraction: d'Orléans, du Havre."""
    if city.startswith("Le "):
        return "du " + city[3:]
    if city[0] in VOWELS:
        return "d'" + city
    return "de " + city


def regional_banks():
    """Every generated bank as (provider id, name, city, has a REDIRECT channel), in id order."""
    number = 0
    for city_index, city in enumerate(CITIES):
        for offset in range(NETWORKS_PER_CITY):
            number += 1
            network = NETWORKS[(city_index + offset) % len(NETWORKS)]
            yield f"bank-{number:03d}", f"{network} {of_city(city)}", city, number % 3 == 0
