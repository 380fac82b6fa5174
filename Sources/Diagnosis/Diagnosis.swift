// Module Diagnosis.
