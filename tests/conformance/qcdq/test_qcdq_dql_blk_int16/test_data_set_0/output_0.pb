ByJ`· EÅGÆob“ÄkïÄ‰^KÅÇ'FIÍÆ\‘EkF‚8FQA‡FèÓÆStsEGÚPEÐ®Æ»ÚìÂìQÇEA64Ås‰šDr°Å s
Å7Î›Å¾[~Æ