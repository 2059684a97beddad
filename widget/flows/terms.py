"""terms: the aggregator's current terms, shown alone or before another widget's first screen."""
from widget.flows.flow import Flow
from widget.flows.steps import Finish, Screen


class TermsFlow(Flow):

    def show(self) -> Screen:
        terms = self.api.terms(self.locale)
        self.run.terms_version = terms["version"]
        self.track("TERMS_SHOWN", version=terms["version"])
        return Screen("terms", {"terms": terms,
                                "paragraphs": [p for p in terms.get("content", "").split("\n\n") if p.strip()]})

    start = resume = show

    def accept(self) -> Screen | Finish | None:
        """Accept the version shown; then the widget that needed it goes on, or terms ends."""
        version = self.run.terms_version
        if not version:
            return self.show()
        self.api.accept_terms(version)
        self.track("TERMS_ACCEPTED", version=version)
        self.run.terms_pending = False
        if self.run.widget == "terms":
            return Finish("success")
        return None  # the caller resumes the widget that was waiting for the terms

    def refuse(self) -> Finish:
        return Finish("error", "terms_refused")
