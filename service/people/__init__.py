"""People: schools, staff, roster import, pairings, invitations, leavers and the year's
roll-over, and a trust's single sign-on."""
