"""Places: local authorities, wards, LSOAs, what is known about each LSOA (indicators by date),
postcodes (only to place a household in its LSOA) and neighbourhoods (named groups of LSOAs).

Codes are the ONS's (E08000011 Knowsley, E05010946 a ward, E01006412 an LSOA). LSOAs come in
vintages, 2011 and 2021; the English Indices of Deprivation 2019 use 2011's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class LocalAuthority(models.Model):
    """A local authority district, known by its ONS code (e.g. E08000012 Liverpool)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    """An electoral ward (best-fit from its LSOAs: the lookup's year, e.g. 2019)."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="wards"
    )
    vintage = models.CharField(max_length=4)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Lsoa(models.Model):
    """A Lower Layer Super Output Area (about 1,500 people), of the 2011 or 2021 vintage."""

    class Vintage(models.TextChoices):
        V2011 = "2011", "2011"
        V2021 = "2021", "2021"

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=100)
    vintage = models.CharField(max_length=4, choices=Vintage.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="lsoas"
    )
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="lsoas"
    )
    # GeoJSON geometry (Polygon or MultiPolygon), longitude and latitude (WGS84).
    boundary = models.JSONField(null=True, blank=True)
    # Population denominators (IoD2019 file 6: mid-2015, excluding prisoners).
    population = models.PositiveIntegerField(null=True, blank=True)
    children = models.PositiveIntegerField(null=True, blank=True)  # aged 0-15
    aged_16_59 = models.PositiveIntegerField(null=True, blank=True)
    older = models.PositiveIntegerField(null=True, blank=True)  # aged 60 and over
    # The Employment Domain's denominator: men 18-64 and women 18-59.
    working_age = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "LSOA"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Indicator(models.Model):
    """Something measured for every LSOA: a deprivation rank, decile, score or rate, a claimant
    count. Ranks and deciles count 1 as the most deprived; scores and rates the highest."""

    class Kind(models.TextChoices):
        RANK = "rank", "Rank (1 is most deprived)"
        DECILE = "decile", "Decile (1 is the most deprived 10%)"
        SCORE = "score", "Score (higher is more deprived)"
        RATE = "rate", "Rate (a share of the population)"
        COUNT = "count", "Count"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # A rank's whole field (32,844 LSOAs in England for IoD2019); a decile's 10.
    out_of = models.PositiveIntegerField(null=True, blank=True)
    # The national rank that goes with a score or rate (the Employment Domain's rank with its
    # rate), shown beside it in hotspot lists.
    ranked_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=300, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def low_is_deprived(self) -> bool:
        return self.kind in (self.Kind.RANK, self.Kind.DECILE)


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    lsoa = models.ForeignKey(Lsoa, on_delete=models.CASCADE, related_name="indicator_values")
    date = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "lsoa", "date"], name="indicator_value_once"
            )
        ]
        indexes = [models.Index(fields=["indicator", "date"], name="indicator_date_idx")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.lsoa.code} {self.date}: {self.value}"


class Postcode(models.Model):
    """One line of an ONS postcode directory extract: which LSOAs a postcode lies in. Used only
    to place a household in its LSOA; postcodes never appear in reports."""

    key = models.CharField(max_length=7, unique=True)  # "L369GD": upper case, no space
    lsoa11 = models.CharField(max_length=9, blank=True)
    lsoa21 = models.CharField(max_length=9, blank=True)

    def __str__(self) -> str:
        return self.key


class Neighbourhood(models.Model):
    """A named group of LSOAs: a housing provider's estates, a council's neighbourhood areas,
    a programme's pilot area. Usable wherever an area filter is."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    lsoas = models.ManyToManyField(Lsoa, related_name="neighbourhoods")
    # A programme's chosen area (from a hotspot list), if it is one.
    programme = models.ForeignKey(
        "programmes.Programme",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="neighbourhoods",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
