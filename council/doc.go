// Package council provides the voting weights of the Council of the
// European Union by treaty era, and a power index for the double-majority
// rule in force since November 2014, as capabilities for the DEU data
// (Thomson et al. 2006, 2012; Arregui & Perarnaud 2022).
//
// Member states are named by the lower-case codes of the DEU columns (de,
// fr, uk, …; bu is Bulgaria and cr Croatia there).
package council
