package overview

// ForList is the overview as the window's list needs it. A certificate
// with files here gets its facts in the list from its file
// (report.ForList), so its entry leaves out the SHA-1, e-mail and UUID
// that the file has too; a certificate known only in DPG keeps them, as its
// details show them from the entry. With 10,000 certificates on this PC that
// is about a fifth of the call. o is not changed.
func (o Overview) ForList() Overview {
	out := o
	out.Certificates = make([]Certificate, len(o.Certificates))
	for i, c := range o.Certificates {
		if len(c.Files) > 0 {
			c.SHA1, c.Email, c.UUID = "", "", ""
		}
		c.Raw = nil
		out.Certificates[i] = c
	}
	return out
}
