"""Loading area data: the English Indices of Deprivation (`imd`), LSOA boundaries
(`boundaries`), the LSOA → ward lookup (`lookup`), any indicator keyed by LSOA code
(`indicators`), and an ONS postcode directory extract (`postcodes`).

Every loader reads the whole file first and either refuses it, naming each bad line, or writes
it in one transaction (`reading`). Loading the same file twice changes nothing: each loader
compares what the file says with what is held and writes only the differences (`writing`;
`Loaded` says how many). The official files load as they are published (their column names,
other columns ignored), so any region of England loads the same way as the Liverpool City
Region files shipped in `pathways/areas/data/` (`shipped`).
"""
