package importer

// NormalizePhone is exported to the tests.
var NormalizePhone = normalizePhone
