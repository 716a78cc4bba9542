using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CertTrustBot.Certificates;

/// <summary>
/// Checks a file a customer sent for the Trusted Root store: what it is, every certificate in it, the chain inside
/// the file, the findings and the verdict. Pure: no I/O, the clock is injected, and no input makes it throw.
/// </summary>
public sealed class CertificateChecker
{
    private const int MaxIssuerCandidates = 16;

    /// <summary>Below this many distinct certificates (any file a customer sends) the analyses run one after another.</summary>
    private const int ParallelFrom = 16;

    private readonly TimeProvider clock;
    private readonly CheckLimits limits;

    public CertificateChecker(TimeProvider? clock = null, CheckLimits? limits = null)
    {
        this.clock = clock ?? TimeProvider.System;
        this.limits = limits ?? CheckLimits.Default;
    }

    public CertificateReport Check(CheckRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return new Run(request, clock.GetUtcNow(), limits).Execute();
        }
#pragma warning disable CA1031 // The contract is that no input can make the check throw: anything unexpected blocks the file.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            var finding = new Finding(FindingCodes.FileUnknown, Severity.Block,
                $"The file could not be read ({e.GetType().Name}).",
                "Send the root CA certificate of the system as a .cer, .crt or .pem file.");
            return new CertificateReport
            {
                FileName = request.FileName ?? "",
                Format = CertificateFormat.Unknown,
                Verdict = Verdict.Block,
                Headline = "Blocked: " + FindingCodes.Get(FindingCodes.FileUnknown).Meaning,
                Certificates = [],
                Chain = [],
                Findings = [finding],
            };
        }
    }

    /// <summary>One certificate as the file holds it once, however often it is repeated.</summary>
    private sealed class Entry(ParsedCertificate certificate, int firstIndex)
    {
        public ParsedCertificate Certificate { get; } = certificate;
        public int FirstIndex { get; } = firstIndex;
        public required string Subject { get; init; }
        public required string Issuer { get; init; }
        public required string Sha256 { get; init; }
        public required string Sha1 { get; init; }
        public required (string Algorithm, int? Size, string? Curve) Key { get; init; }
        public required SignatureAlgorithm Signature { get; init; }
        public required bool IsSelfSigned { get; init; }
        public bool? SelfSignatureValid { get; set; }
        public int? Parent { get; set; }
        public bool IssuesOthers { get; set; }
        public CertificateRole Role { get; set; }
        public CertificateDetails? Details { get; set; }

        /// <summary>The name shown to a customer: the subject, or the first SAN when the subject is empty.</summary>
        public string Name => Subject.Length > 0 ? Subject
            : Certificate.SubjectAlternativeNames.Count > 0 ? Certificate.SubjectAlternativeNames[0] : "(no subject)";
    }

    /// <summary>
    /// What one distinct certificate says about itself: parsed, named, hashed, its self-signature verified. It depends
    /// on nothing else in the file, so the analyses of a bundle run in parallel.
    /// </summary>
    private sealed class Analysis(byte[] der)
    {
        public ParsedCertificate? Certificate { get; private set; }

        /// <summary>Why the certificate cannot be read, told to the customer; set when <see cref="Certificate"/> is null.</summary>
        public string? Failure { get; private set; }

        /// <summary>Anything else that went wrong, rethrown when the certificate's turn comes in file order.</summary>
        public ExceptionDispatchInfo? Unexpected { get; private set; }

        public string Subject { get; private set; } = "";
        public string Issuer { get; private set; } = "";
        public string Sha1 { get; private set; } = "";
        public (string Algorithm, int? Size, string? Curve) Key { get; private set; }
        public SignatureAlgorithm? Signature { get; private set; }
        public bool IsSelfSigned { get; private set; }
        public bool? SelfSignatureValid { get; private set; }

        public void Run()
        {
            try
            {
                ParsedCertificate certificate;
                try
                {
                    // Parsed once, here; X509Certificate2 is not loaded as well (it would parse it a second time).
                    certificate = ParsedCertificate.Parse(der);
                    Subject = new X500DistinguishedName(certificate.SubjectName.Span).Name;
                    // A root names itself as issuer: one string for both (a trust store holds thousands of roots).
                    Issuer = certificate.IssuerName.Span.SequenceEqual(certificate.SubjectName.Span)
                        ? Subject
                        : new X500DistinguishedName(certificate.IssuerName.Span).Name;
                }
                catch (Exception e) when (e is CertificateParseException or CryptographicException)
                {
                    Failure = e is CertificateParseException ? e.Message : "its subject or issuer name is damaged";
                    return;
                }

                var keyIdsAgree = certificate.AuthorityKeyIdentifier is not { } aki || certificate.SubjectKeyIdentifier is not { } ski
                    || aki.Span.SequenceEqual(ski.Span);
#pragma warning disable CA5350 // SHA-1 is the thumbprint Windows and certutil show; it identifies, it does not protect.
                Sha1 = Convert.ToHexString(SHA1.HashData(der));
#pragma warning restore CA5350
                Key = certificate.DescribeKey();
                Signature = certificate.DescribeSignature().Algorithm;
                IsSelfSigned = keyIdsAgree && string.Equals(Subject, Issuer, StringComparison.OrdinalIgnoreCase);
                if (IsSelfSigned) SelfSignatureValid = SignatureVerifier.Verify(certificate, certificate);
                Certificate = certificate;
            }
#pragma warning disable CA1031 // Not swallowed: rethrown in file order by ReadCertificates, where Check's own guard handles it.
            catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                Unexpected = ExceptionDispatchInfo.Capture(e);
            }
        }
    }

    /// <summary>The state of one check, so the steps read top to bottom without passing ten arguments around.</summary>
    private sealed class Run(CheckRequest request, DateTimeOffset now, CheckLimits limits)
    {
        private readonly List<Finding> findings = [];
        private readonly List<Entry> entries = [];
        private readonly List<int> fileToEntry = [];
        private readonly Dictionary<string, int> bySha256 = new(StringComparer.Ordinal);
        private int duplicates;

        public CertificateReport Execute()
        {
            var contents = CertificateFileReader.Read(request.Content, limits);
            findings.AddRange(contents.Findings);
            if (contents.Format != CertificateFormat.TooLarge) ReadCertificates(contents);

            BuildChains();
            var chain = MainChain();
            int? trustedRoot = chain.Count > 0 && entries[chain[^1]].IsSelfSigned ? chain[^1] : null;
            for (var e = 0; e < entries.Count; e++) CheckCertificate(e);
            CheckChain(chain);
            CheckHostName();

            if (contents.Certificates.Count == 0 && findings.TrueForAll(f => f.Severity != Severity.Block))
            {
                Add(FindingCodes.FileNoCertificates, null, "The file holds no certificate.",
                    "Send the root CA certificate of the system as a .cer, .crt or .pem file.");
            }

            var certificates = BuildDetails();
            var ordered = findings.OrderByDescending(f => f.Severity).ToList(); // stable: file order within a severity
            var verdict = ordered.Exists(f => f.Severity == Severity.Block) ? Verdict.Block
                : ordered.Exists(f => f.Severity == Severity.Warn) ? Verdict.Warn
                : Verdict.Accept;
            return new CertificateReport
            {
                FileName = request.FileName ?? "",
                Format = contents.Format,
                Verdict = verdict,
                Headline = Headline(verdict, ordered, chain, trustedRoot),
                Certificates = certificates,
                Chain = chain.ConvertAll(e => entries[e].FirstIndex),
                TrustedRootIndex = trustedRoot is { } root ? entries[root].FirstIndex : null,
                Findings = ordered,
            };
        }

        private void Add(string code, int? index, string message, string advice) =>
            findings.Add(new Finding(code, FindingCodes.Get(code).Severity, message, advice, index));

        /// <summary>
        /// Reads every certificate of the file. Each distinct certificate (by SHA-256 of its DER) is parsed, hashed and
        /// has its self-signature verified once, in parallel across cores when the file holds many (a CA bundle); the
        /// results are then taken in file order, so the report is the same whatever the number of cores.
        /// </summary>
        private void ReadCertificates(FileContents contents)
        {
            var extracted = contents.Certificates;
            var sha256s = new string?[extracted.Count];
            var distinct = new Dictionary<string, int>(StringComparer.Ordinal);
            var analyses = new List<Analysis>();
            for (var i = 0; i < extracted.Count; i++)
            {
                if (extracted[i].Der is not { } der) continue;
                var sha256 = Convert.ToHexString(SHA256.HashData(der));
                sha256s[i] = sha256;
                if (distinct.TryAdd(sha256, analyses.Count)) analyses.Add(new Analysis(der));
            }
            if (analyses.Count >= ParallelFrom)
            {
                Parallel.ForEach(analyses, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, a => a.Run());
            }
            else
            {
                foreach (var analysis in analyses) analysis.Run();
            }

            for (var i = 0; i < extracted.Count; i++)
            {
                if (sha256s[i] is not { } sha256)
                {
                    Add(FindingCodes.CertUnreadable, null, $"The certificate in {extracted[i].Origin} cannot be read: {extracted[i].Problem}.",
                        "Export the certificate again and send the file itself, rather than text copied from a screen or e-mail.");
                    continue;
                }
                if (bySha256.TryGetValue(sha256, out var known))
                {
                    fileToEntry.Add(known); // the same certificate again: checked once, listed every time
                    duplicates++;
                    continue;
                }
                var analysis = analyses[distinct[sha256]];
                analysis.Unexpected?.Throw(); // as if it had been thrown here, in file order
                if (analysis.Certificate is not { } certificate)
                {
                    Add(FindingCodes.CertUnreadable, null, $"The certificate in {extracted[i].Origin} cannot be read: {analysis.Failure}.",
                        "Export the certificate again and send the complete file.");
                    continue;
                }
                bySha256.Add(sha256, entries.Count);
                entries.Add(new Entry(certificate, fileToEntry.Count)
                {
                    Subject = analysis.Subject,
                    Issuer = analysis.Issuer,
                    Sha256 = sha256,
                    Sha1 = analysis.Sha1,
                    Key = analysis.Key,
                    Signature = analysis.Signature!,
                    IsSelfSigned = analysis.IsSelfSigned,
                    SelfSignatureValid = analysis.SelfSignatureValid,
                });
                fileToEntry.Add(entries.Count - 1);
            }
        }

        /// <summary>Finds each certificate's issuer in the file: candidates by subject name, then key identifiers, then signature.</summary>
        private void BuildChains()
        {
            var bySubject = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < entries.Count; i++)
            {
                if (!bySubject.TryGetValue(entries[i].Subject, out var list)) bySubject[entries[i].Subject] = list = [];
                list.Add(i);
            }
            for (var i = 0; i < entries.Count; i++)
            {
                var child = entries[i];
                if (child.IsSelfSigned || !bySubject.TryGetValue(child.Issuer, out var candidates)) continue;
                int? unverified = null;
                foreach (var c in candidates.Take(MaxIssuerCandidates))
                {
                    if (c == i) continue;
                    if (child.Certificate.AuthorityKeyIdentifier is { } aki && entries[c].Certificate.SubjectKeyIdentifier is { } ski
                        && !aki.Span.SequenceEqual(ski.Span)) continue;
                    var verified = SignatureVerifier.Verify(child.Certificate, entries[c].Certificate);
                    if (verified == true)
                    {
                        child.Parent = c;
                        break;
                    }
                    if (verified is null) unverified ??= c; // an algorithm this platform cannot check: trust the names
                }
                child.Parent ??= unverified;
                if (child.Parent is { } parent) entries[parent].IssuesOthers = true;
            }
            foreach (var entry in entries)
            {
                var certificate = entry.Certificate;
                var actsAsCa = certificate.IsCertificateAuthority == true || certificate.HasKeyCertSign || entry.IssuesOthers;
                entry.Role = entry.IsSelfSigned
                    ? (actsAsCa ? CertificateRole.Root : CertificateRole.SelfSignedLeaf)
                    : (certificate.IsCertificateAuthority == true || entry.IssuesOthers ? CertificateRole.Intermediate : CertificateRole.Leaf);
            }
        }

        /// <summary>The top of the chain above an entry, found by following issuers inside the file.</summary>
        private int Top(int index)
        {
            for (var steps = 0; steps < entries.Count && entries[index].Parent is { } parent; steps++) index = parent;
            return index;
        }

        /// <summary>Leaf first: from the first certificate that issues nothing (preferring one that is not self-signed) up to its root.</summary>
        private List<int> MainChain()
        {
            var chain = new List<int>();
            if (entries.Count == 0) return chain;
            var start = entries.FindIndex(e => !e.IssuesOthers && !e.IsSelfSigned);
            if (start < 0) start = entries.FindIndex(e => !e.IssuesOthers);
            if (start < 0) start = 0;
            var seen = new HashSet<int>();
            for (int? at = start; at is { } i && seen.Add(i); at = entries[i].Parent) chain.Add(i);
            return chain;
        }

        private void CheckCertificate(int entryIndex)
        {
            var entry = entries[entryIndex];
            var c = entry.Certificate;
            var i = entry.FirstIndex;
            var name = $"'{entry.Name}'";
            var daysLeft = DaysLeft(c.NotAfter);

            // Validity against the injected clock.
            if (now < c.NotBefore)
            {
                Add(FindingCodes.CertNotYetValid, i,
                    $"{name} is not valid until {c.NotBefore:yyyy-MM-dd HH:mm} UTC. Until then Windows does not trust it and every connection using it fails.",
                    "Check which certificate the system presents today and send that one (or check the clock of the machine that created it).");
            }
            else if (now > c.NotAfter)
            {
                Add(FindingCodes.CertExpired, i,
                    $"{name} expired on {c.NotAfter:yyyy-MM-dd} ({Numbers.Count(-daysLeft, "day")} ago). Windows does not trust an expired certificate, so connections would fail.",
                    "Ask the system's owner for the current, renewed certificate and send that one.");
            }
            else
            {
                if (c.NotAfter - now <= TimeSpan.FromDays(30))
                {
                    Add(FindingCodes.CertExpiresSoon, i,
                        $"{name} expires on {c.NotAfter:yyyy-MM-dd}, in {Numbers.Count(daysLeft, "day")}. When it expires every call to the system fails until the renewed one is installed.",
                        "Ask whether a renewed certificate exists already and send it too; otherwise plan the renewal now.");
                }
                if (request.ExpectedCompletion is { } completion && c.NotAfter < completion)
                {
                    Add(FindingCodes.CertExpiresBeforeCompletion, i,
                        $"{name} expires on {c.NotAfter:yyyy-MM-dd}, before the installation is expected to be done ({completion:yyyy-MM-dd}).",
                        "Ask the system's owner for the renewed certificate and send that one instead.");
                }
            }

            // Algorithms.
            var signature = entry.Signature;
            var (keyAlgorithm, keySize, curve) = entry.Key;
            if (signature.IsBrokenHash)
            {
                Add(FindingCodes.CertWeakSignatureHash, i,
                    $"{name} is signed with {signature.FriendlyName}. {signature.HashName} is broken: such signatures can be forged, and Windows rejects them.",
                    "Ask the system's owner for a certificate signed with SHA-256 or stronger.");
            }
            if (signature.Scheme is SignatureScheme.Ed25519 or SignatureScheme.Ed448 || keyAlgorithm is "Ed25519" or "Ed448")
            {
                var what = keyAlgorithm is "Ed25519" or "Ed448" ? keyAlgorithm : signature.FriendlyName;
                Add(FindingCodes.CertEdDsa, i,
                    $"{name} uses {what}, which Windows Server and .NET cannot use (\"Invalid algorithm specified\"): connections would fail.",
                    "Ask for a certificate with an RSA key of 2048 bits or more, or an ECDSA P-256 or P-384 key.");
            }
            if (keyAlgorithm == "RSA" && keySize is { } bits && bits < 2048)
            {
                Add(FindingCodes.CertRsaKeyTooSmall, i,
                    $"{name} has an RSA key of only {bits} bits. Keys shorter than 2048 bits can be broken and are no longer trusted.",
                    "Ask for a certificate with an RSA key of at least 2048 bits (or ECDSA P-256).");
            }
            if (signature.IsSha1)
            {
                if (entry.IsSelfSigned)
                {
                    Add(FindingCodes.CertSha1SelfSignedRoot, i,
                        $"{name} signs itself with SHA-1. A trusted root's own signature is not checked, so this still works, but it is a sign of an old certificate.",
                        "You may go on. Ask whether a newer root signed with SHA-256 is available.");
                }
                else
                {
                    Add(FindingCodes.CertSha1Signature, i,
                        $"{name} is signed with SHA-1 by '{entry.Issuer}'. SHA-1 signatures can be forged, and current clients reject them.",
                        "Ask the system's owner for a certificate signed with SHA-256.");
                }
            }
            if (curve == "P-521")
            {
                Add(FindingCodes.CertEcdsaP521, i,
                    $"{name} has an ECDSA P-521 key. Windows Server 2016 supports it, but not by default, so connections may fail.",
                    "Prefer a certificate with an ECDSA P-256/P-384 or RSA key; otherwise the servers' TLS settings must enable P-521.");
            }
            if (signature.Scheme == SignatureScheme.RsaPss || c.KeyOid == Algorithms.RsaPss)
            {
                Add(FindingCodes.CertRsaPss, i,
                    $"{name} uses RSASSA-PSS ({signature.HashName}). Support for it on Windows Server 2016 is not confirmed.",
                    "Prefer a certificate signed with SHA256withRSA or ECDSA; otherwise test the connection before relying on it.");
            }
            if (signature.Scheme == SignatureScheme.Unknown
                || (keyAlgorithm is not ("RSA" or "ECDSA" or "DSA" or "Ed25519" or "Ed448"))
                || (keyAlgorithm == "ECDSA" && curve is not ("P-256" or "P-384" or "P-521")))
            {
                Add(FindingCodes.CertUnknownAlgorithm, i,
                    $"{name} uses an algorithm this check does not know (key {keyAlgorithm}{(curve is null ? "" : " " + curve)}, signature {signature.FriendlyName}). Windows may not support it.",
                    "Prefer a certificate with an RSA (2048 bits or more) or ECDSA P-256/P-384 key, signed with SHA-256 or stronger.");
            }

            // Structure.
            if (c.Version < 3)
            {
                Add(FindingCodes.CertVersion1, i,
                    $"{name} is a version {c.Version} certificate: it has no extensions, so it cannot say whether it is a CA or which names it covers.",
                    "Prefer a current (version 3) certificate if the system's owner has one.");
            }
            if (entry.Role == CertificateRole.Root && c.IsCertificateAuthority != true)
            {
                Add(FindingCodes.CertRootNotCa, i,
                    $"{name} is a root, but it does not say it is a CA (basicConstraints cA=true {(c.IsCertificateAuthority is null ? "is missing" : "is false")}). Windows may refuse to build chains through it.",
                    "Ask whether a proper root CA certificate exists; go on only if the system's owner confirms this one.");
            }
            if (entry.Role == CertificateRole.Root && c.KeyUsageBits is not null && !c.HasKeyCertSign)
            {
                Add(FindingCodes.CertRootWithoutKeyCertSign, i,
                    $"{name} is a root, but its key usage does not allow signing certificates (keyCertSign). Windows will not accept certificates it issued.",
                    "Ask whether a proper root CA certificate exists; go on only if the system's owner confirms this one.");
            }
            if (entry.Role != CertificateRole.Root && c.HasKeyCertSign && c.IsCertificateAuthority != true)
            {
                Add(FindingCodes.CertKeyCertSignWithoutCa, i,
                    $"{name} may sign certificates (keyCertSign) but does not say it is a CA (basicConstraints cA=true). This is contradictory and Windows may reject it.",
                    "Ask the system's owner to check how the certificate was made.");
            }
            if (entry.IsSelfSigned && entry.SelfSignatureValid == false)
            {
                Add(FindingCodes.CertSelfSignatureInvalid, i,
                    $"{name} says it signed itself, but its signature does not match its own key: the file is corrupt, or the certificate was forged.",
                    "Export the certificate again from the system and send the new file. If it fails again, this certificate must not be trusted.");
            }

            // Already requested?
            if (AlreadyRequested(entry.Sha256) is { } description)
            {
                Add(FindingCodes.CertAlreadyRequested, i,
                    $"{name} (SHA-256 {entry.Sha256}) was already requested or installed: {description}.",
                    "No need to request it again, unless it is for another environment.");
            }

            CheckRole(entryIndex, name);
        }

        private void CheckRole(int entryIndex, string name)
        {
            var entry = entries[entryIndex];
            var i = entry.FirstIndex;
            var top = entries[Top(entryIndex)];
            var rootInFile = top != entry && top.IsSelfSigned;
            switch (entry.Role)
            {
                case CertificateRole.Root:
                    Add(FindingCodes.CertRole, i, $"{name} is a self-signed root CA: it goes into the Trusted Root Certification Authorities store.", "");
                    break;
                case CertificateRole.SelfSignedLeaf:
                    var names = entry.Certificate.SubjectAlternativeNames.Count == 0 ? "no names in its SAN"
                        : string.Join(", ", entry.Certificate.SubjectAlternativeNames.Take(5)) + (entry.Certificate.SubjectAlternativeNames.Count > 5 ? ", ..." : "");
                    Add(FindingCodes.CertSelfSignedLeaf, i,
                        $"{name} is a self-signed server certificate, not a CA. Trusting it works only for the host names it lists ({names}), and must be done again each time it is renewed.",
                        "You may go on if the system really presents this certificate; the host name check matters here. Better: ask whether the system can use a certificate from a CA, and send that CA's root.");
                    break;
                case CertificateRole.Intermediate when rootInFile:
                    Add(FindingCodes.CertRole, i,
                        $"{name} is an intermediate CA issued by '{entry.Issuer}': it goes into the Intermediate Certification Authorities store; the root in this file goes into Trusted Root.", "");
                    break;
                case CertificateRole.Intermediate:
                    Add(FindingCodes.CertIntermediate, i,
                        $"{name} is an intermediate CA certificate, issued by '{entry.Issuer}'. It belongs in the Intermediate Certification Authorities store; the Trusted Root store still needs the root CA at the top of the chain ('{top.Issuer}').",
                        "Ask the system's owner for the root certificate (or the whole chain as one .pem/.p7b).");
                    break;
                case CertificateRole.Leaf when rootInFile:
                    Add(FindingCodes.CertRole, i,
                        $"{name} is the server's own certificate: it is not installed. Only the root '{top.Subject}' goes into the Trusted Root store.", "");
                    break;
                default:
                    Add(FindingCodes.CertLeaf, i,
                        $"This is the server's own certificate ({name}), issued by '{entry.Issuer}'. The Trusted Root store needs the root CA that issued it, not the server's certificate.",
                        "Ask the system's owner for the root certificate (or the whole chain as one .pem/.p7b).");
                    break;
            }
            // As the README defines it: a certificate whose issuer is neither in the file nor itself, a lone one included
            // (a server certificate sent alone is the commonest incomplete chain).
            if (!entry.IsSelfSigned && entry.Parent is null)
            {
                Add(FindingCodes.ChainIncomplete, i,
                    entries.Count == 1
                        ? $"{name} was issued by '{entry.Issuer}', which is not in the file: the file holds no certificate of the chain above it."
                        : $"{name} was issued by '{entry.Issuer}', which is not in the file: the chain in the file stops before its root.",
                    $"Ask for the missing certificate '{entry.Issuer}', ideally the whole chain up to the root as one .pem or .p7b.");
            }
        }

        private string? AlreadyRequested(string sha256)
        {
            if (request.AlreadyRequested is not { Count: > 0 } known) return null;
            if (known.TryGetValue(sha256, out var exact)) return exact;
            foreach (var (thumbprint, description) in known)
            {
                var normalised = thumbprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
                if (string.Equals(normalised, sha256, StringComparison.OrdinalIgnoreCase)) return description;
            }
            return null;
        }

        private void CheckChain(List<int> chain)
        {
            var roots = entries.Count(e => e.Role == CertificateRole.Root);
            if (roots > 1)
            {
                Add(FindingCodes.ChainSeveralRoots, null,
                    $"The file holds {roots} root certificates. Each would be added to the Trusted Root store of every front end, though a system usually needs only one.",
                    "Check that all of them are needed, or send only the root CA of the system's own chain.");
            }
            if (chain.Count > 1)
            {
                Add(FindingCodes.ChainPath, null,
                    "Chain in the file: " + string.Join(" → ", chain.Select(e => $"'{entries[e].Name}'")) + ".", "");
            }
            if (duplicates > 0)
            {
                Add(FindingCodes.FileDuplicates, null,
                    $"{duplicates} certificate{(duplicates == 1 ? "" : "s")} in the file {(duplicates == 1 ? "is a copy" : "are copies")} of another one; each is checked once.", "");
            }
        }

        private void CheckHostName()
        {
            if (HostNameMatcher.Normalise(request.HostName) is not { } host) return;
            var servers = entries.Where(e => e.Role is CertificateRole.Leaf or CertificateRole.SelfSignedLeaf).ToList();
            if (servers.Count == 0)
            {
                // `openssl req -x509` marks its self-signed certificates cA=true, and many systems present such a
                // certificate as their own: a root that issues nothing in the file but names hosts is compared too.
                servers = entries.Where(e => e.Role == CertificateRole.Root && !e.IssuesOthers && e.Certificate.SubjectAlternativeNames.Count > 0).ToList();
            }
            if (servers.Count == 0)
            {
                if (entries.Count > 0)
                {
                    Add(FindingCodes.HostNotChecked, null,
                        $"The file holds only CA certificates, so the host name '{host}' cannot be compared here; it is checked when the servers connect.", "");
                }
                return;
            }
            foreach (var server in servers)
            {
                var sans = server.Certificate.SubjectAlternativeNames;
                var name = $"'{server.Name}'";
                if (sans.Any(san => HostNameMatcher.Matches(san, host)))
                {
                    Add(FindingCodes.HostMatch, server.FirstIndex, $"{name} covers the host name '{host}'.", "");
                }
                else if (CommonNames(server.Certificate).Any(cn => HostNameMatcher.Matches(cn, host)))
                {
                    Add(FindingCodes.HostOnlyInCn, server.FirstIndex,
                        $"{name} names '{host}' only in its subject (CN), not in its Subject Alternative Names. Current clients ignore the CN, so connections may fail with a name mismatch.",
                        "Ask the system's owner for a certificate that lists the host name in its SAN.");
                }
                else
                {
                    var listed = sans.Count == 0 ? "no names at all" : string.Join(", ", sans.Take(5)) + (sans.Count > 5 ? $" and {sans.Count - 5} more" : "");
                    Add(FindingCodes.HostNotInSan, server.FirstIndex,
                        $"{name} does not cover the host name '{host}' (it lists {listed}). Connections to '{host}' would fail with a name mismatch.",
                        "Check the host name, or ask the system's owner for the certificate that this host actually presents.");
                }
            }
        }

        private static IEnumerable<string> CommonNames(ParsedCertificate certificate)
        {
            foreach (var rdn in new X500DistinguishedName(certificate.SubjectName.Span).EnumerateRelativeDistinguishedNames())
            {
                if (rdn.HasMultipleElements) continue;
                if (rdn.GetSingleElementType().Value == "2.5.4.3" && rdn.GetSingleElementValue() is { } cn) yield return cn;
            }
        }

        private int DaysLeft(DateTimeOffset notAfter) => (int)Math.Floor((notAfter - now).TotalDays);

        private List<CertificateDetails> BuildDetails()
        {
            var details = new List<CertificateDetails>(fileToEntry.Count);
            for (var index = 0; index < fileToEntry.Count; index++)
            {
                var entry = entries[fileToEntry[index]];
                if (entry.Details is { } first)
                {
                    details.Add(first with { Index = index });
                    continue;
                }
                var c = entry.Certificate;
                entry.Details = new CertificateDetails
                {
                    Index = index,
                    Role = entry.Role,
                    Subject = entry.Subject,
                    Issuer = entry.Issuer,
                    SerialNumber = c.SerialNumber,
                    NotBefore = c.NotBefore,
                    NotAfter = c.NotAfter,
                    DaysLeft = DaysLeft(c.NotAfter),
                    KeyAlgorithm = entry.Key.Algorithm,
                    KeySize = entry.Key.Size,
                    Curve = entry.Key.Curve,
                    SignatureAlgorithm = entry.Signature.FriendlyName,
                    SubjectAlternativeNames = c.SubjectAlternativeNames,
                    Sha256 = entry.Sha256,
                    Sha1 = entry.Sha1,
                    Version = c.Version,
                    IsSelfSigned = entry.IsSelfSigned,
                    IsCertificateAuthority = c.IsCertificateAuthority,
                    PathLengthConstraint = c.PathLengthConstraint,
                    KeyUsages = c.KeyUsageNamesList(),
                    Der = c.Der,
                };
                details.Add(entry.Details);
            }
            return details;
        }

        // In a bundle, which certificates the first reason concerns and how many: "5 of 144 certificates have expired:
        // Baltimore CyberTrust Root, …". Null for a single certificate or a reason about the file.
        private string? BundleBlocked(List<Finding> blocks)
        {
            var code = blocks[0].Code;
            var concerned = blocks.Where(f => f.Code == code && f.CertificateIndex is not null)
                .Select(f => f.CertificateIndex!.Value).Where(i => i >= 0 && i < fileToEntry.Count).Distinct().ToList();
            if (entries.Count < 2 || concerned.Count == 0)
                return null;
            var one = concerned.Count == 1;
            var what = code switch
            {
                FindingCodes.CertExpired => one ? "has expired" : "have expired",
                FindingCodes.CertNotYetValid => one ? "is not valid yet" : "are not valid yet",
                FindingCodes.CertWeakSignatureHash => one ? "is signed with a broken hash" : "are signed with a broken hash",
                FindingCodes.CertRsaKeyTooSmall => one ? "has an RSA key under 2048 bits" : "have RSA keys under 2048 bits",
                FindingCodes.CertEdDsa => one ? "uses Ed25519/Ed448" : "use Ed25519/Ed448",
                FindingCodes.CertSelfSignatureInvalid => one ? "has a self-signature that does not verify" : "have self-signatures that do not verify",
                _ => (one ? "is blocked: " : "are blocked: ") + FindingCodes.Get(code).Meaning,
            };
            const int named = 3;
            var names = concerned.Take(named).Select(i => ShortName(entries[fileToEntry[i]])).ToList();
            var distinct = entries.Count < fileToEntry.Count ? " distinct" : "";
            return $"{Numbers.Format(concerned.Count)} of {Numbers.Format(entries.Count)}{distinct} certificates {what}: " +
                string.Join(", ", names) + (concerned.Count > named ? ", …" : "");
        }

        // The CN, else the whole name: what a person recognises a certificate by in a one-line summary.
        private static string ShortName(Entry entry)
        {
            foreach (var part in entry.Name.Split(", "))
            {
                if (part.StartsWith("CN=", StringComparison.OrdinalIgnoreCase))
                    return part[3..].Trim('"');
            }
            return entry.Name;
        }

        private string Headline(Verdict verdict, List<Finding> ordered, List<int> chain, int? trustedRoot)
        {
            if (verdict == Verdict.Block)
            {
                var blocks = ordered.Where(f => f.Severity == Severity.Block).ToList();
                var more = blocks.Select(f => f.Code).Distinct().Count() - 1;
                var others = more > 0 ? $" (and {Numbers.Count(more, "more problem")})" : "";
                return "Blocked: " + (BundleBlocked(blocks) ?? FindingCodes.Get(blocks[0].Code).Meaning) + others;
            }
            if (chain.Count == 0) return "No certificate";
            var entry = entries[trustedRoot ?? chain[0]];
            var role = entry.Role switch
            {
                CertificateRole.Root => "Self-signed root",
                CertificateRole.SelfSignedLeaf => "Self-signed server certificate",
                CertificateRole.Intermediate => "Intermediate CA, not a root",
                _ => "Server certificate, not a root",
            };
            var roots = entries.Count(e => e.Role == CertificateRole.Root);
            if (roots > 1) role = $"{roots} roots, first: {role}";
            else if (chain.Count > 1) role += $" (chain of {chain.Count} in the file)";
            var (algorithm, size, curve) = entry.Key;
            var key = algorithm switch
            {
                "ECDSA" => $"ECDSA {curve}",
                _ when size is { } bits => $"{algorithm} {bits}",
                _ => algorithm,
            };
            var signature = entry.Signature.Scheme switch
            {
                SignatureScheme.RsaPss => $"RSASSA-PSS {entry.Signature.HashName}",
                SignatureScheme.Ed25519 or SignatureScheme.Ed448 or SignatureScheme.Unknown => entry.Signature.FriendlyName,
                _ => entry.Signature.HashName,
            };
            var days = DaysLeft(entry.Certificate.NotAfter);
            var left = days >= 365
                ? string.Create(CultureInfo.InvariantCulture, $"{days / 365.25:0.0} years")
                : Numbers.Count(days, "day");
            var line = string.Create(CultureInfo.InvariantCulture, $"{role} · {key} · {signature} · valid until {entry.Certificate.NotAfter:yyyy-MM-dd} ({left})");
            if (ordered.Exists(f => f.Code == FindingCodes.HostNotInSan)) line += " · host MISMATCH";
            return line;
        }
    }
}
