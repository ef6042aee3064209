"""Worker: JetStream consumer that reads documents (PDF text layer or PP-OCR) and reports results."""
