"""The aggregator's terms of service: one current version, in French and English."""

CURRENT_VERSION = "2026-01"
CURRENT_DATE = "2026-01-15T00:00:00.000Z"

TEXTS = {
    "fr": (
        "Conditions générales d'utilisation de Passerelle Sandbox",
        """\
Passerelle Sandbox est un prestataire de services d'information sur les comptes (PSIC) au sens \
de la directive (UE) 2015/2366 sur les services de paiement (DSP2). Avec votre accord, il \
accède aux comptes de paiement que vous détenez auprès de vos banques pour en transmettre les \
informations à l'application qui vous a présenté ce service.

En acceptant ces conditions, vous autorisez Passerelle Sandbox à récupérer, pour les comptes \
que vous choisissez, les soldes, les opérations et les informations d'identification des \
comptes, et à les communiquer à cette application. Passerelle Sandbox n'initie aucun paiement \
et n'a jamais la disposition de vos fonds.

Vos identifiants bancaires servent uniquement à vous authentifier auprès de votre banque : ils \
ne sont ni conservés ni communiqués à quiconque. Pour les banques qui le proposent, \
l'authentification se fait directement sur le site de votre banque.

Votre consentement vaut pour 90 jours ; votre banque vous demandera alors de vous \
authentifier à nouveau. Vous pouvez à tout moment retirer votre consentement pour un compte \
ou supprimer une connexion : la collecte cesse immédiatement.

Les données sont traitées conformément au règlement général sur la protection des données \
(RGPD). Vous disposez d'un droit d'accès, de rectification et d'effacement, que vous pouvez \
exercer auprès du délégué à la protection des données de Passerelle Sandbox.

Ceci est un environnement de démonstration : aucune banque réelle n'est contactée et toutes \
les données affichées sont fictives.""",
    ),
    "en": (
        "Passerelle Sandbox terms of service",
        """\
Passerelle Sandbox is an account information service provider (AISP) under the revised \
Payment Services Directive (EU) 2015/2366 (PSD2). With your consent, it accesses the payment \
accounts you hold with your banks and passes their information on to the application that \
offered you this service.

By accepting these terms, you allow Passerelle Sandbox to retrieve, for the accounts you \
choose, their balances, transactions and identification details, and to share them with that \
application. Passerelle Sandbox never initiates a payment and never holds your funds.

Your bank credentials are only used to authenticate you with your bank: they are neither kept \
nor shared with anyone. Where your bank offers it, you authenticate on your bank's own website.

Your consent lasts 90 days, after which your bank will ask you to authenticate again. You can \
withdraw your consent for an account or delete a connection at any time: collection stops at \
once.

Data is processed in accordance with the General Data Protection Regulation (GDPR). You have \
the right to access, correct and erase it, which you can exercise with Passerelle Sandbox's \
data protection officer.

This is a demonstration environment: no real bank is contacted and all the data shown is \
fictitious.""",
    ),
}


def current_terms(locale):
    """The current terms in `locale` (French unless English is asked for)."""
    title, content = TEXTS["en" if locale == "en" else "fr"]
    return {"version": CURRENT_VERSION, "title": title, "content": content, "date": CURRENT_DATE}
