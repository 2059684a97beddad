"""Texts of the sandbox's own pages (bank portal, authorization page), in French and English."""
from flask import request

TEXTS = {
    "fr": {
        "lang": "fr",
        "sandbox_notice": "Environnement de démonstration : aucune vraie banque n'est contactée.",
        "login": "Identifiant",
        "password": "Mot de passe",
        "email": "Adresse e-mail",
        "sign_in": "Se connecter",
        "bank_sign_in_title": "Connexion à votre espace",
        "bank_hint": "Tout mot de passe est accepté sauf « wrong ». L'identifiant choisit le "
                     "scénario : demo, otp, app, question, slow, fail, locked, pro, expired, many.",
        "wrong_password": "Identifiant ou mot de passe incorrect.",
        "consent_title": "Autoriser l'accès à vos comptes",
        "consent_text": "Passerelle Sandbox demande à consulter vos comptes de paiement, leurs "
                        "soldes et leurs opérations pendant 90 jours.",
        "signed_in_as": "Connecté en tant que",
        "approve": "Autoriser",
        "deny": "Refuser",
        "request_invalid": "Demande invalide ou expirée",
        "request_invalid_text": "Ce lien n'est plus valable. Revenez à l'application et "
                                "recommencez.",
        "authorize_title": "Autoriser une application",
        "authorize_text": "L'application « {client} » demande l'accès à votre compte "
                          "Passerelle Sandbox.",
        "wrong_user_password": "Adresse e-mail ou mot de passe incorrect.",
    },
    "en": {
        "lang": "en",
        "sandbox_notice": "Demonstration environment: no real bank is contacted.",
        "login": "Login",
        "password": "Password",
        "email": "Email address",
        "sign_in": "Sign in",
        "bank_sign_in_title": "Sign in to your online banking",
        "bank_hint": "Any password works except “wrong”. The login picks the scenario: demo, "
                     "otp, app, question, slow, fail, locked, pro, expired, many.",
        "wrong_password": "Wrong login or password.",
        "consent_title": "Allow access to your accounts",
        "consent_text": "Passerelle Sandbox asks to read your payment accounts, their balances "
                        "and their transactions for 90 days.",
        "signed_in_as": "Signed in as",
        "approve": "Allow",
        "deny": "Deny",
        "request_invalid": "Invalid or expired request",
        "request_invalid_text": "This link is no longer valid. Go back to the application and "
                                "start again.",
        "authorize_title": "Authorize an application",
        "authorize_text": "The application “{client}” asks to access your Passerelle Sandbox "
                          "account.",
        "wrong_user_password": "Wrong email address or password.",
    },
}


def portal_texts():
    """The texts in the language asked by `lng`, else the browser's, else French."""
    locale = request.args.get("lng") or request.accept_languages.best_match(["fr", "en"])
    return TEXTS.get(locale, TEXTS["fr"])
