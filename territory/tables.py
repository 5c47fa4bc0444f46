"""The official communes and intercommunalities (EPCI), loaded from the vendored Etalab data set.

Reference tables: filled by this app's migration and ``passnum communes update``, read by every
app that names a commune; nothing else writes them.
"""

from __future__ import annotations

from piccolo.columns import DoublePrecision, Integer, Serial, Varchar
from piccolo.table import Table


class Epci(Table, tablename="territory_epci"):
    id: Serial
    code = Varchar(length=9, unique=True)  # SIREN of the intercommunality
    name = Varchar(length=200)
    kind = Varchar(length=10)  # CC, CA, CU, METRO


class Commune(Table, tablename="territory_commune"):
    id: Serial
    code = Varchar(length=5, unique=True)  # INSEE code (COG) of the current commune
    name = Varchar(length=200)
    search_name = Varchar(length=200, index=True)  # lower case, no accents, words by one space
    postcodes = Varchar(length=200)  # " 72000 72100 ": spaces around each, for LIKE '% 72000 %'
    epci_code = Varchar(length=9, default="", index=True)
    department = Varchar(length=3)
    population = Integer(default=0)
    # Its centre (WGS 84): shipped for the Manche (data/centres.csv), else from the geocoder.
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)


class CommuneAlias(Table, tablename="territory_commune_alias"):
    """An old code (merged commune, commune déléguée or associée, arrondissement) and its
    current commune."""

    id: Serial
    old_code = Varchar(length=5, unique=True)
    commune_code = Varchar(length=5, index=True)
    name = Varchar(length=200)  # its own name when it has one ("Baugé"), else ""
    search_name = Varchar(length=200)
