"""Invented review passages, phrased the way published reviews phrase their findings."""

DOMESTIC_ABUSE = (
    "Police were called to the address on six occasions after reports of domestic abuse between the "
    "mother and her partner. A DASH risk assessment graded the risk as medium and the case was not "
    "referred to MARAC. The partner's controlling behaviour towards the mother was known to the police "
    "but the health visitor was unaware of the incidents because the information was not shared with her."
)
NEGLECT = (
    "Staff at the nursery saw that Child R was often hungry, arrived in dirty clothes and had untreated "
    "head lice and tooth decay. The home was cold, there was little food in the kitchen and the child's "
    "weight fell from the 50th to below the 2nd centile. These signs of neglect were recorded separately "
    "by each agency and were never put together."
)
HOME_EDUCATION = (
    "After the school raised concerns about bruising, the mother withdrew Child R from school to be "
    "electively home educated. The child was then not seen by any professional for eleven months; the "
    "education welfare officer's visits were refused and the door was not opened."
)
