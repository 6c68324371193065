"""The words of the woonzorgvisie page, in Dutch (its readers are civil servants)."""

from __future__ import annotations

TEXTS: dict[str, str] = {
    "title": "Woonzorgvisie: behoefte en aanbod van woonvormen",
    "intro": "Hoeveel huishoudens uit de aandachtsgroepen en ouderen welke woonvorm nodig "
             "hebben, tegenover de sociale voorraad van de corporaties en het bouwprogramma; "
             "en of urgente en zorgvragende huishoudens zich in een wijk opstapelen. Openbare "
             "cijfers: aantallen van 1 tot en met 4 zijn afgeschermd en staan als ‘<5’ in de "
             "tabellen.",
    "skip": "Naar de inhoud",
    "back": "Terug naar het monitoringsdashboard",
    "illustrative": "Let op: deze pagina toont (ook) een illustratieve voorbeeldset met "
                    "verzonnen cijfers. Dit zijn geen onderzoeksgegevens.",
    "filters": "Filters",
    "year": "Jaar",
    "municipality": "Gemeente",
    "province": "Provincie (alle gemeenten)",
    "period": "Periode stapeling",
    "show": "Tonen",
    "chart_years": "Behoefte en aanbod per woonvorm in 2025, 2030 en 2040",
    "chart_gap": "Tekort per gemeente in {year}",
    "chart_stapeling": "Stapeling per wijk in {period}",
    "alt_years": "Staafdiagram per woonvorm en jaar: behoefte, aanbod nu en aanbod met het "
                 "bouwprogramma voor {area}. Alle waarden staan in de tabel.",
    "alt_gap": "Staafdiagram: tekort (behoefte min aanbod met programma) per gemeente en "
               "woonvorm in {year}; negatief is een overschot. {n} gemeenten; alle waarden "
               "staan in de tabel.",
    "alt_stapeling": "Staafdiagram: stapelingsindex per wijk in {period}, met de drempel uit "
                     "de afspraak als lijn. {n} wijken, waarvan {flagged} boven de drempel. "
                     "Alle waarden staan in de tabel.",
    "show_table": "Tabel met de gegevens",
    "download_csv": "CSV downloaden",
    "housing_type": "Woonvorm",
    "area": "Gebied",
    "wijk": "Wijk",
    "need": "Behoefte",
    "supply_now": "Aanbod nu",
    "supply_with_programme": "Aanbod met programma",
    "gap": "Tekort",
    "social_stock": "Sociale voorraad",
    "urgent_placements": "Urgente plaatsingen",
    "care_placements": "Zorgvragende plaatsingen",
    "stock_share": "Aandeel voorraad",
    "urgent_share": "Aandeel urgent",
    "care_share": "Aandeel zorgvragend",
    "index": "Index",
    "threshold": "Drempel",
    "flagged": "Boven drempel",
    "yes": "ja",
    "no": "nee",
    "no_data": "Nog geen gegevens.",
    "sources": "Bronnen",
    "no_sources": "Nog geen imports.",
    "source_line": "{source} ({kind}, versie {version}, door {org})",
    "illustrative_tag": "illustratief",
    "definitions": "Definities: zie docs/WOONZORGVISIE.md. Een woning telt als één woonvorm: "
                   "beschermd (zorggeschikt en rolstoeltoegankelijk), geclusterd "
                   "(zorggeschikt), nultreden (traploos) of zelfstandig (overige sociale "
                   "huur). Tekort = behoefte min aanbod met programma.",
    "zelfstandig": "zelfstandig",
    "nultreden": "nultreden",
    "geclusterd": "geclusterd",
    "beschermd": "beschermd",
}
