"""Textes de l'interface en français. Les clés ``js.`` sont transmises aux scripts des pages."""

from __future__ import annotations

from typing import Final

FR: Final[dict[str, str]] = {
    # cadre
    "skip_to_content": "Aller au contenu",
    "nav.label": "Principal",
    "nav.agent": "Poste conseiller",
    "nav.supervisor": "Console superviseur",
    "nav.readiness": "Test du poste à domicile",
    "language": "Langue",
    "language.apply": "Appliquer",
    "signed_in_as": "Connecté en tant que {name}",
    "logout": "Fermer la session",
    "title.login": "Connexion",
    "title.agent": "Poste conseiller",
    "title.supervisor": "Console superviseur",
    "title.readiness": "Test du poste à domicile",
    "title.error": "Erreur",
    "error.title": "Un problème est survenu",
    "error.back": "Retour à la page d'accueil",
    "error.not_for_role": (
        "Cette page est réservée aux comptes {role} ; vous êtes connecté en tant que {actual}."
    ),
    "error.no_agent": "Ce compte conseiller n'est rattaché à aucun conseiller de la plateforme.",
    "role.admin": "administrateur",
    "role.supervisor": "superviseur",
    "role.agent": "conseiller",
    # connexion
    "login.title": "Connexion à homeshore",
    "login.intro": "Utilisez l'identifiant et le mot de passe remis par votre responsable.",
    "login.username": "Identifiant",
    "login.password": "Mot de passe",
    "login.submit": "Se connecter",
    "login.failed": "Identifiant ou mot de passe incorrect.",
    "login.rate_limited": "Trop d'essais infructueux. Attendez une minute puis réessayez.",
    "login.missing": "Saisissez votre identifiant et votre mot de passe.",
    "login.busy": "Beaucoup de connexions en ce moment. Réessayez dans un instant.",
    "login.disabled": "Ce compte est désactivé. Adressez-vous à un administrateur.",
    # poste conseiller
    "agent.title": "Poste conseiller",
    "agent.outside_hours": (
        "Vous êtes en dehors de vos horaires planifiés : aucun contact ne vous est proposé et "
        "rien ne vous est envoyé (droit à la déconnexion)."
    ),
    "agent.run_readiness": "Lancer le test du poste",
    "agent.state.title": "Mon état",
    "agent.location": "Je travaille depuis",
    "agent.go.available": "Disponible",
    "agent.go.break": "Pause",
    "agent.go.training": "Formation",
    "agent.go.offline": "Passer hors ligne",
    "agent.coming.title": "Mes prochaines semaines",
    "agent.coming.empty": "Rien de publié pour les prochaines semaines.",
    "agent.schedule.title": "Mon planning du jour",
    "agent.schedule.empty": "Rien de planifié aujourd'hui.",
    "agent.offers.title": "Propositions",
    "agent.offer.title": "Nouveau contact proposé",
    "agent.queue": "File",
    "agent.customer": "Client",
    "agent.channel": "Canal",
    "agent.offer.accept": "Accepter",
    "agent.offer.reject": "Refuser",
    "agent.contacts.title": "Mes contacts",
    "agent.contacts.empty": "Aucun contact en cours.",
    "agent.chat.title": "Discussion avec le client",
    "agent.chat.label": "Message au client",
    "agent.chat.send": "Envoyer",
    "agent.contact.end": "Terminer le contact",
    "agent.transfer": "Transférer",
    "agent.transfer.legend": "Transférer vers une file ou un conseiller",
    "agent.transfer.queue": "File",
    "agent.transfer.agent": "Conseiller (identifiant)",
    "agent.transfer.submit": "Transférer",
    "agent.ask_manager": "Demander à mon responsable",
    "agent.wrapup.legend": "Clôture",
    "agent.wrapup.disposition": "Issue du contact",
    "agent.wrapup.submit": "Terminer la clôture",
    "agent.help.title": "Aide de mon responsable",
    "agent.help.label": "Message à mon responsable",
    "agent.monitoring": "Ce que la plateforme enregistre de mon travail (accord de télétravail)",
    "agent.help.send": "Envoyer à mon responsable",
    "disposition.resolved": "Résolu",
    "disposition.information": "Information donnée",
    "disposition.follow_up": "Suivi nécessaire",
    "disposition.callback": "Rappeler le client",
    "disposition.complaint": "Réclamation enregistrée",
    "disposition.not_resolved": "Non résolu",
    # console superviseur
    "supervisor.title": "Console superviseur",
    "supervisor.scope": "Équipes : {teams}",
    "supervisor.queues.title": "Files du jour",
    "supervisor.agents.title": "Conseillers de mes équipes",
    "supervisor.col.agent": "Conseiller",
    "supervisor.col.team": "Équipe",
    "supervisor.col.state": "État",
    "supervisor.col.time_in_state": "Depuis",
    "supervisor.col.location": "Lieu",
    "supervisor.col.adherence": "Respect du planning",
    "supervisor.col.contacts": "Contacts",
    "supervisor.col.contact": "Contact",
    "supervisor.col.queue": "File",
    "supervisor.col.customer": "Client",
    "supervisor.col.since": "Depuis",
    "supervisor.col.call": "Appel",
    "supervisor.help.title": "Demandes d'aide",
    "supervisor.help.empty": "Aucune demande d'aide.",
    "supervisor.help.reply_label": "Réponse au conseiller",
    "supervisor.help.reply": "Répondre",
    "supervisor.help.close": "Clore la demande",
    "supervisor.help.take_over": "Reprendre le contact",
    "supervisor.customer.title": "Discussion avec le client",
    "supervisor.customer.label": "Message au client",
    "supervisor.customer.send": "Envoyer",
    "supervisor.transfer.legend": "Transférer le contact",
    "supervisor.contacts.title": "Qui traite quel contact",
    "supervisor.quality.title": "Qualité des appels aujourd'hui, par façon de travailler",
    "supervisor.quality.intro": (
        "Mesurée sur la ligne des conseillers pendant leurs appels (note de qualité vocale, "
        "MOS, de 1 à 5) ; à domicile, selon l'installation déclarée au dernier test du poste."
    ),
    "supervisor.quality.way": "Façon de travailler",
    "supervisor.quality.advisors": "Conseillers",
    "supervisor.quality.calls": "Appels",
    "supervisor.quality.mean": "MOS moyen",
    "supervisor.quality.min": "MOS le plus bas",
    "supervisor.quality.low": "Appels avec un moment dégradé",
    "supervisor.quality.empty": "Aucun appel mesuré aujourd'hui.",
    "supervisor.contacts.empty": "Aucun contact ouvert.",
    # test du poste
    "readiness.title": "Test du poste à domicile",
    "readiness.intro": (
        "Avant de prendre des appels depuis chez vous, ce test mesure votre connexion à la "
        "plateforme et vous interroge sur votre poste. Son résultat décide si vous pouvez "
        "travailler à domicile."
    ),
    "readiness.what.summary": "Ce qui est mesuré et conservé",
    "readiness.what.body": (
        "Environ 5 secondes de petits messages chronométrés vers la plateforme (temps "
        "aller-retour, gigue, pertes), un transfert plus gros dans chaque sens (débit), "
        "environ 8 secondes d'une tonalité d'essai envoyée au relais média de la plateforme "
        "et renvoyée, comme le son d'un appel (aucun micro n'est utilisé), et vos "
        "trois réponses ci-dessous. La plateforme conserve le résultat, la note de qualité "
        "vocale (facteur R et MOS) et ces mesures avec votre identifiant ; votre responsable "
        "voit le résultat. Rien d'autre n'est lu sur votre ordinateur."
    ),
    "readiness.checklist": "Mon poste",
    "readiness.headset.title": "Mon casque pour les appels",
    "readiness.headset.intro": (
        "Choisissez le micro et le haut-parleur que le poste utilise pour les appels. Le "
        "choix est gardé dans ce navigateur."
    ),
    "readiness.headset.list": "Afficher mes appareils audio",
    "readiness.headset.microphone": "Micro",
    "readiness.headset.speaker": "Haut-parleur",
    "readiness.headset.default": "Celui de l'ordinateur par défaut",
    "readiness.vpn": "Je travaille à travers un VPN",
    "readiness.access": "Mon accès à internet",
    "readiness.access.unsaid": "Je préfère ne pas le dire",
    "readiness.access.fibre": "Fibre optique",
    "readiness.access.dsl": "ADSL / VDSL (ligne cuivre)",
    "readiness.access.cable": "Câble",
    "readiness.access.mobile": "Mobile (box 4G/5G)",
    "readiness.access.satellite": "Satellite (parabole)",
    "readiness.access.other": "Autre",
    "readiness.wired": "Mon ordinateur est relié par câble (Ethernet)",
    "readiness.headset": "J'utilise un casque USB",
    "readiness.quiet": "Je travaille dans une pièce calme, à l'écart",
    "readiness.start": "Lancer le test",
    "readiness.progress": "Mesure en cours…",
    "readiness.result": "Résultat",
    "readiness.rtt": "Temps aller-retour",
    "readiness.jitter": "Gigue",
    "readiness.loss": "Pertes",
    "readiness.bandwidth": "Débit",
    "readiness.r": "Facteur R",
    "readiness.mos": "Qualité vocale (MOS)",
    "readiness.checked_at": "Test du {at}",
    "readiness.not_agent": "Le test du poste est réservé aux comptes conseillers.",
    # refusals of the platform
    "refusal.outside_hours": (
        "Vous êtes en dehors de vos horaires planifiés : vous ne pouvez pas prendre de "
        "contacts maintenant (droit à la déconnexion)."
    ),
    "refusal.readiness": "Le travail à domicile demande un test du poste réussi.",
    "refusal.home_off_schedule": (
        "Le planning vous place sur site ou en télécentre aujourd'hui, pas à domicile : "
        "demandez une journée à domicile à votre planificateur."
    ),
    "refusal.readiness_due": (
        "Votre test du poste à domicile est à refaire avant de travailler à domicile."
    ),
    "refusal.location": (
        "Indiquez d'où vous travaillez (centre de contacts, télécentre ou domicile)."
    ),
    "refusal.no_connection": (
        "Le poste n'est pas encore connecté à la plateforme ; attendez « Connecté » puis réessayez."
    ),
    "refusal.contacts_in_hand": "Terminez d'abord les contacts en cours.",
    "refusal.sign_out_busy": "Terminez les contacts en cours avant de fermer la session.",
    "refusal.transfer_one": "Choisissez soit une file, soit un conseiller.",
    "refusal.same_agent": "Le contact est déjà chez ce conseiller.",
    "refusal.empty_message": "Un message ne peut pas être vide.",
    "refusal.not_your_team": "Ce conseiller n'est pas dans vos équipes.",
    # scripts
    "js.softphone.registering": "Softphone : connexion…",
    "js.softphone.registered": "Softphone prêt",
    "js.softphone.failed": "Softphone indisponible",
    "js.softphone.off": "Softphone éteint",
    "js.call.connecting": "Appel : mise en relation…",
    "js.call.connected": "Appel en cours",
    "js.call.ended": "Appel terminé",
    "js.call.mute": "Couper le micro",
    "js.call.unmute": "Rétablir le micro",
    "js.call.hold": "Mettre en attente",
    "js.call.resume": "Reprendre",
    "js.call.on_hold": "Client en attente (musique)",
    "js.call.listened": "{manager} (votre manager) écoute cet appel",
    "js.call.whisper": "{manager} (votre manager) vous parle : le client ne l'entend pas",
    "js.setup.wired": "câble Ethernet",
    "js.setup.wifi": "en Wi-Fi",
    "js.setup.usb_headset": "casque USB",
    "js.setup.other_headset": "autre casque",
    "js.setup.fibre": "fibre optique",
    "js.setup.dsl": "ADSL/VDSL",
    "js.setup.cable": "câble coaxial",
    "js.setup.mobile": "box 4G/5G",
    "js.setup.satellite": "satellite (parabole)",
    "js.setup.other": "autre accès",
    "js.setup.vpn": "avec VPN",
    "js.setup.no_vpn": "sans VPN",
    "js.readiness.headset.chosen": (
        "Les appels utilisent : micro {microphone}, haut-parleur {speaker}."
    ),
    "js.readiness.headset.default": "celui de l'ordinateur par défaut",
    "js.readiness.headset.denied": "Les appareils audio ne peuvent pas être listés ({reason}).",
    "js.call.dropped": "L'appel a été coupé : le client a été prévenu et doit être rappelé",
    "js.conn.connecting": "Connexion…",
    "js.conn.open": "Connecté",
    "js.conn.reconnecting": "Connexion perdue, reconnexion (essai {attempt})…",
    "js.conn.closed": "Déconnecté",
    "js.state.offline": "Hors ligne",
    "js.state.available": "Disponible",
    "js.state.reserved": "Proposition en attente",
    "js.state.busy": "En contact",
    "js.state.wrap_up": "Clôture",
    "js.state.break": "Pause",
    "js.state.training": "Formation",
    "js.state.disconnected": "Connexion perdue",
    "js.location.site": "centre de contacts",
    "js.location.telecentre": "télécentre",
    "js.location.home": "domicile",
    "js.activity.work": "Contacts",
    "js.activity.break": "Pause",
    "js.activity.lunch": "Déjeuner",
    "js.activity.training": "Formation",
    "js.activity.onsite": "Journée sur site",
    "js.channel.voice": "appel",
    "js.channel.chat": "chat",
    "js.channel.email": "e-mail",
    "js.contact_state.queued": "en attente",
    "js.contact_state.offered": "proposé",
    "js.contact_state.active": "en cours",
    "js.contact_state.wrap_up": "en clôture",
    "js.contact_state.completed": "terminé",
    "js.contact_state.abandoned": "abandonné",
    "js.sender.agent": "Conseiller",
    "js.sender.customer": "Client",
    "js.sender.manager": "Responsable",
    "js.verdict.pass": "Réussi : vous pouvez travailler à domicile",
    "js.verdict.warn": (
        "Avertissement : vous pouvez travailler à domicile, mais corrigez les points listés"
    ),
    "js.verdict.fail": "Échec : le travail à domicile n'est pas encore possible",
    "js.verdict.unknown": "Pas encore testé",
    "js.agent.since": "depuis {duration}",
    "js.agent.now_activity": "En ce moment : {activity} jusqu'à {until}",
    "js.agent.now_none": "Rien de planifié en ce moment.",
    "js.agent.readiness.unknown": "Vous n'avez pas encore passé le test du poste à domicile.",
    "js.agent.readiness.warn": "Votre dernier test du poste a donné un avertissement.",
    "js.agent.readiness.fail": (
        "Votre dernier test du poste a échoué : vous ne pouvez pas prendre de contacts à domicile."
    ),
    "js.agent.readiness_due.expired": (
        "Votre test du poste à domicile n'est plus à jour : refaites-le avant votre prochaine "
        "journée à domicile."
    ),
    "js.agent.readiness_due.bad_calls": (
        "Plusieurs appels de suite ont eu une mauvaise qualité vocale : refaites le test du "
        "poste avant votre prochaine journée à domicile."
    ),
    "js.agent.offer.countdown": "{seconds} s pour répondre",
    "js.agent.offer.announce": (
        "Nouveau contact proposé : {queue}, client {customer}. Acceptez dans les {seconds} "
        "secondes."
    ),
    "js.agent.offer.timed_out": "La proposition a expiré ; vous êtes maintenant en pause.",
    "js.agent.contact.title": "Client {customer}",
    "js.agent.chat.new": "Nouveau message du client {customer}",
    "js.agent.chat.none": "Ce contact n'a pas de discussion.",
    "js.agent.help.new": "Nouveau message de votre responsable",
    "js.agent.help.joined": "Votre responsable a rejoint la discussion d'aide.",
    "js.agent.transfer.one": "Choisissez soit une file, soit un conseiller.",
    "js.agent.transferred": "Contact transféré.",
    "js.agent.wrapup.missing": "Choisissez l'issue du contact.",
    "js.agent.wrapped_up": "Clôture terminée.",
    "js.agent.requeued": "Le contact est retourné dans sa file.",
    "js.agent.abandoned": "Le client est parti.",
    "js.agent.taken_over": "Votre responsable a repris le contact.",
    "js.adherence.elsewhere": "Hors du lieu planifié ({location})",
    "js.adherence.in": "Conforme ({activity})",
    "js.adherence.out": "Non conforme ({activity})",
    "js.adherence.today": "{share} aujourd'hui",
    "js.adherence.unscheduled": "Non planifié",
    "js.tile.waiting": "En attente",
    "js.tile.oldest": "Plus longue attente",
    "js.tile.sl": "Niveau de service du jour",
    "js.tile.asa": "Délai moyen de réponse",
    "js.tile.abandon": "Taux d'abandon",
    "js.tile.target_wait": "objectif {seconds} s",
    "js.tile.target_min": "objectif ≥ {value}",
    "js.tile.target_max": "objectif ≤ {value}",
    "js.tile.on_target": "Objectifs tenus",
    "js.tile.off_target": "Hors objectif : {what}",
    "js.supervisor.call.mos": "MOS {mos}",
    "js.supervisor.call.held": "en attente",
    "js.supervisor.call.low": "Qualité d'appel dégradée sur #{id} ({agent}) : MOS {mos}",
    "js.supervisor.listen": "Écouter",
    "js.supervisor.listen.stop": "Arrêter l'écoute",
    "js.supervisor.whisper": "Parler au conseiller",
    "js.supervisor.whisper.stop": "Arrêter de parler",
    "js.supervisor.listen.on": (
        "Écoute de #{id} : le client et le conseiller ne vous entendent pas."
    ),
    "js.supervisor.you": "vous",
    "js.supervisor.help.closed": "Demande d'aide close.",
    "js.supervisor.help.join": "Rejoindre la discussion d'aide",
    "js.supervisor.help.joined": "Discussion rejointe",
    "js.supervisor.help.item": "{agent} · contact n° {contact}",
    "js.supervisor.help.panel": "Aide pour {agent}, contact n° {contact}",
    "js.supervisor.help.announce": "{agent} demande de l'aide",
    "js.supervisor.help.message": "Nouveau message de {agent}",
    "js.supervisor.took_over": "Vous avez repris le contact n° {contact}.",
    "js.supervisor.transferred": "Contact n° {contact} transféré.",
    "js.readiness.no_connection": "La plateforme est injoignable pour la mesure.",
    "js.readiness.path.media": (
        "Mesuré par la plateforme sur sa connexion à votre ordinateur, et sur le chemin d'un "
        "appel : une tonalité d'essai via le relais média, aller et retour (UDP), telle que "
        "votre navigateur l'a transmise. La moins bonne des deux mesures est jugée."
    ),
    "js.readiness.path.websocket": (
        "Mesuré par la plateforme sur sa connexion à votre ordinateur (TCP), pas sur le chemin "
        "d'un appel : une perte y apparaît comme un retard."
    ),
    "js.readiness.reported": (
        "Transmis par votre navigateur : aller-retour {rtt} ms, gigue {jitter} ms, pertes {loss} %."
    ),
    "js.readiness.reported_worse": (
        "Les mesures de votre navigateur étaient moins bonnes que celles de la plateforme : "
        "le résultat repose sur elles."
    ),
    "js.readiness.source.reported": (
        "Mesures transmises par le navigateur seulement, pas mesurées par la plateforme : ce "
        "résultat ne permet pas de travailler à domicile."
    ),
    "js.readiness.media_failed": "Le chemin d'un appel n'a pas pu être mesuré ({reason}).",
    "js.readiness.no_reason": "Tout est dans les valeurs recommandées.",
    "js.error.network": ("La plateforme est injoignable. Vérifiez votre connexion puis réessayez."),
    "js.error.session": "Votre session est terminée : reconnectez-vous.",
    "js.error.generic": "La plateforme a refusé la demande (code {status}).",
    "agent.evaluations.title": "Mes évaluations",
    "agent.evaluations.empty": "Aucune évaluation de vos contacts pour l'instant.",
    "supervisor.evaluations.title": "Évaluations qualité",
    "supervisor.evaluations.intro": (
        "Évaluez un contact terminé de vos équipes sur la grille du centre ; un point "
        "critique non respecté fait échouer l'évaluation. Le conseiller voit le résultat."
    ),
    "supervisor.evaluations.recent": "Contacts terminés récemment",
    "supervisor.evaluations.where": "Lieu de travail",
    "supervisor.evaluations.closed": "Clos à",
    "supervisor.evaluations.csat": "Satisfaction client",
    "supervisor.evaluations.score": "Évaluation",
    "supervisor.evaluations.empty": "Aucun contact terminé pour l'instant.",
    "supervisor.evaluations.by_advisor": "4 dernières semaines, par conseiller",
    "supervisor.evaluations.count": "Évaluations",
    "supervisor.evaluations.mean": "Note moyenne",
    "supervisor.evaluations.pass_rate": "Réussies",
    "supervisor.evaluations.critical": "Points critiques manqués",
    "js.quality.no_score": "aucune question applicable",
    "js.quality.passed": "réussie",
    "js.quality.failed": "non réussie",
    "js.quality.critical": "Point critique non respecté : {items}",
    "js.quality.detail": "Détail par question",
    "js.quality.own_summary": (
        "{n} évaluation(s), note moyenne {mean} % ; satisfaction client {csat} / 5 sur "
        "{answers} réponse(s)."
    ),
    "js.quality.critical_item": "critique",
    "js.quality.no_form": (
        "Aucune grille d'évaluation pour les contacts {channel} dans ce scénario."
    ),
    "js.quality.submit": "Enregistrer l'évaluation",
    "js.quality.evaluating": "{form} — contact n° {contact}",
    "js.quality.comment": "Commentaire pour le conseiller",
    "js.quality.saved": "Contact n° {contact} évalué : {score}",
    "js.quality.evaluate": "Évaluer",
    "js.rating.met": "respecté",
    "js.rating.partly": "en partie",
    "js.rating.not_met": "non respecté",
    "js.rating.na": "sans objet",
    "agent.call.recorded": "Cet appel est enregistré (l'appelant en a été informé).",
    "js.call.recorded": "Cet appel est enregistré.",
    "supervisor.evaluations.recording": "Enregistrement",
    "js.quality.recording": "Enregistrement du contact n° {contact}",
    "agent.callbacks.title": "Clients à rappeler",
    "agent.callbacks.empty": "Personne à rappeler.",
    "js.callback.call": "Rappeler",
    "js.callback.calling": "Appel de {customer}…",
    "js.callback.no_softphone": "Le softphone n'est pas prêt : attendez-le avant d'appeler.",
    "js.supervisor.barge": "Rejoindre l'appel (l'appelant vous entend)",
    "js.supervisor.barge.stop": "Quitter l'appel (le conseiller seul)",
    "js.call.barge": "{manager} (votre manager) est dans l'appel : l'appelant l'entend aussi",
    "agent.monitoring.log": "Récemment",
    "agent.monitoring.empty": "Rien n'a encore été enregistré du suivi de votre travail.",
    "js.monitoring.call.listen.ended": "{manager} a écouté le contact n° {contact} ({duration})",
    "js.monitoring.call.whisper.ended": (
        "{manager} vous a parlé pendant le contact n° {contact} ({duration})"
    ),
    "js.monitoring.call.barge.ended": (
        "{manager} a rejoint l'appel du contact n° {contact} ({duration})"
    ),
    "js.monitoring.call.recording": "Le contact n° {contact} a été enregistré",
    "js.monitoring.recording.played": "{manager} a écouté l'enregistrement du contact n° {contact}",
    "js.monitoring.evaluation.created": "Le contact n° {contact} a été évalué ({score})",
    "agent.audit.log": "Journal d'audit : ce qui a été fait concernant mon travail et mon compte",
    "agent.audit.empty": "Rien dans le journal d'audit vous concernant pour l'instant.",
    "js.audit.origin": "depuis {address}",
    "js.audit.system": "un administrateur (ligne de commande)",
    "js.audit.login.ok": "Connexion",
    "js.audit.login.failed": "Échec de connexion à votre compte",
    "js.audit.login.locked": "Votre compte a été bloqué un moment après des échecs de connexion",
    "js.audit.logout": "Déconnexion",
    "js.audit.session.ended": "Vos sessions ont été fermées par {actor}",
    "js.audit.user.created": "Votre compte a été créé par {actor}",
    "js.audit.user.disabled": "Votre compte a été désactivé par {actor}",
    "js.audit.user.enabled": "Votre compte a été réactivé par {actor}",
    "js.audit.user.password_set": "{actor} a défini un nouveau mot de passe pour votre compte",
    "js.audit.monitoring.listen.started": "{actor} a commencé à écouter le contact n° {contact}",
    "js.audit.monitoring.listen.ended": (
        "{actor} a cessé d'écouter le contact n° {contact} ({duration})"
    ),
    "js.audit.monitoring.whisper.started": (
        "{actor} a commencé à vous parler pendant le contact n° {contact}"
    ),
    "js.audit.monitoring.whisper.ended": (
        "{actor} a cessé de vous parler pendant le contact n° {contact} ({duration})"
    ),
    "js.audit.monitoring.barge.started": "{actor} a rejoint l'appel du contact n° {contact}",
    "js.audit.monitoring.barge.ended": (
        "{actor} a quitté l'appel du contact n° {contact} ({duration})"
    ),
    "js.audit.recording.played": "{actor} a écouté l'enregistrement du contact n° {contact}",
    "js.audit.contact.taken_over": "{actor} a repris le contact n° {contact}",
    "js.audit.evaluation.created": "{actor} a évalué le contact n° {contact}",
    "js.audit.schedule.imported": "Votre planning a été publié ({segments} plages)",
    "js.audit.readiness.verdict": "Vérification de votre installation à domicile : {verdict}",
    "js.audit.retention.purged": (
        "Des données au-delà de leur durée de conservation ont été supprimées"
    ),
    # the day (intraday): the console's re-forecast, gap and offers; the desk's offers
    "supervisor.day.title": "La journée",
    "supervisor.day.refresh": "Recalculer la prévision",
    "supervisor.day.no_forecast": (
        "Aucune prévision ne couvre aujourd'hui : les appels ne peuvent être comparés à rien. "
        "Démarrez la plateforme avec la prévision du planificateur :"
    ),
    "supervisor.day.no_forecast_api": (
        "ou faites-la envoyer par un planificateur à PUT /api/intraday/forecast ; recalculez "
        "ensuite la prévision."
    ),
    "supervisor.day.levels": "Appels reçus face à la prévision",
    "supervisor.day.ahead": "Les intervalles à venir",
    "supervisor.day.col.time": "Heure",
    "supervisor.day.col.volume": "Appels (prévision recalculée)",
    "supervisor.day.col.required": "Conseillers nécessaires",
    "supervisor.day.col.scheduled": "Planifiés (connectés maintenant)",
    "supervisor.day.col.gap": "Écart",
    "supervisor.day.ahead.empty": "Plus aucun intervalle aujourd'hui.",
    "supervisor.day.proposals": "Offres que l'écart appelle",
    "supervisor.day.offers": "Offres du jour",
    "supervisor.day.offers.empty": "Aucune offre aujourd'hui.",
    "supervisor.day.post": "Publier une offre",
    "supervisor.day.post.hint": (
        "Elle part aux conseillers de vos équipes que les règles autorisent à la prendre, "
        "volontaires du domicile d'abord ; les premiers à accepter ont les places."
    ),
    "supervisor.day.kind": "Type",
    "supervisor.day.from": "Début",
    "supervisor.day.to": "Fin",
    "supervisor.day.places": "Nombre de places",
    "supervisor.day.submit": "Publier l'offre",
    "agent.extra.title": "Heures proposées",
    "agent.extra.intro": "Prendre ces heures est votre choix : refuser n'a aucune conséquence.",
    "agent.extra.empty": "Aucune heure proposée pour le moment.",
    "agent.extra.when": "Quand",
    "agent.extra.where": "Où",
    "agent.extra.deadline": "Répondre avant",
    "agent.extra.places": "Places restantes",
    "agent.extra.accept": "Accepter",
    "agent.extra.decline": "Refuser",
    "js.intraday.kind.extra": "Heures en plus",
    "js.intraday.kind.time_off": "Temps libre",
    "js.day.at": "Prévision recalculée à {time}",
    "js.day.level": (
        "{queue} : {observed} appels jusqu'ici, {expected} attendus — {level} × la prévision "
        "(intervalle à 80 % : {low}–{high})"
    ),
    "js.day.trend.above": "au-dessus de la prévision",
    "js.day.trend.below": "en dessous de la prévision",
    "js.day.trend.within": "conforme à la prévision",
    "js.day.short_ahead": "plus gros manque à venir : {gap} conseiller(s)",
    "js.day.none_short": "aucun manque à venir",
    "js.day.current": "{time} (en cours)",
    "js.day.logged_in": "{scheduled} ({logged_in} connectés)",
    "js.day.gap.short": "manque {gap}",
    "js.day.gap.spare": "{gap} en trop",
    "js.day.gap.even": "équilibré",
    "js.day.proposal": (
        "{kind} sur {queue}, {period} : {places} place(s) — peuvent la prendre : {names}"
    ),
    "js.day.proposal.post": "Publier cette offre",
    "js.day.offer.places": "{taken} place(s) prise(s) sur {places}, {left} restante(s)",
    "js.day.offer.deadline": "réponses jusqu'à {time}",
    "js.day.offer.by": "publiée par {who}",
    "js.day.offer.by_platform": "proposée par la plateforme",
    "js.day.offer.closed.filled": "close : toutes les places sont prises",
    "js.day.offer.closed.expired": "close : le délai de réponse est passé",
    "js.day.offer.closed.withdrawn": "close : retirée",
    "js.day.offer.nobody": "Aucun conseiller de vos équipes n'a été sollicité.",
    "js.day.recipient": "{agent} ({location}) : {reply}",
    "js.day.replied_at": "{reply} à {time}",
    "js.offer_reply.waiting": "pas encore de réponse",
    "js.offer_reply.accepted": "acceptée",
    "js.offer_reply.declined": "refusée",
    "js.offer_reply.too_late": "trop tard",
    "js.offer_reply.refused": "refusée par les règles",
    "js.day.posted": "Offre publiée.",
    "js.day.refreshed": "Prévision recalculée.",
    "js.day.form.order": "L'offre doit finir après son début.",
    "js.extra.title.extra": "Heures en plus : {queue}",
    "js.extra.title.time_off": "Temps libre : {queue}",
    "js.extra.deadline": "{time} (encore {minutes} min)",
    "js.extra.places": "{left} sur {places}",
    "js.extra.reply.accepted": "Vous avez accepté : ce temps est dans votre planning.",
    "js.extra.reply.declined": "Vous avez refusé cette offre.",
    "js.extra.reply.too_late": "Trop tard : l'offre a été close avant votre réponse.",
    "js.extra.reply.refused": "Les règles ne vous permettent pas ce temps.",
    "js.extra.closed.filled": "Trop tard : toutes les places ont été prises.",
    "js.extra.closed.expired": "Trop tard : le délai de réponse est passé.",
    "js.extra.closed.withdrawn": "Cette offre a été retirée.",
    "js.extra.closed.other": "Cette offre est close.",
    "js.extra.rules": "Les règles ne vous permettent plus ce temps : {rules}.",
    "js.extra.announce": "{what}, {when} : répondez avant {deadline}.",
    "js.extra.done": "Accepté : votre planning est mis à jour.",
    "js.extra.declined": "Offre refusée.",
    "js.audit.schedule.changed": "{actor} a modifié votre planning : {period}",
    "js.rule.home_work": "le travail à domicile demande un volontaire au test du poste réussi",
    "js.rule.split_shifts": (
        "journées coupées seulement pour les conseillers à domicile qui les acceptent"
    ),
    "js.rule.right_to_disconnect": (
        "travail à domicile seulement dans les plages de joignabilité convenues"
    ),
    "js.rule.availability": "travail seulement dans vos disponibilités",
    "js.rule.days_off": "rien un jour de repos demandé",
    "js.rule.skills": "contacts seulement quand une file de vos compétences est ouverte",
    "js.rule.max_daily_work": "au plus la durée maximale de travail par jour",
    "js.rule.daily_span": "une journée de travail tient en 24 h moins le repos quotidien",
    "js.rule.shift_length": "une vacation entre la durée minimale et la durée maximale",
    "js.rule.break_after_work": "une pause de 20 min avant 6 h de travail",
    "js.rule.paid_breaks": "une pause payée après chaque 2 h d'appels",
    "js.rule.lunch_window": "le déjeuner dans sa plage horaire",
    "js.rule.night_work_daily": "les limites quotidiennes du travail de nuit",
    "js.rule.training_site": "la formation sur un site avec formateur",
    "js.rule.contract_hours": "des heures hebdomadaires dans la tolérance du contrat",
    "js.rule.overtime": "des heures supplémentaires dans la limite hebdomadaire",
    "js.rule.max_weekly_work": "au plus 48 h par semaine",
    "js.rule.average_weekly_work": "au plus 44 h par semaine en moyenne",
    "js.rule.daily_rest": "11 h de repos entre deux journées de travail",
    "js.rule.max_working_days": "au plus 6 jours travaillés par semaine",
    "js.rule.weekly_rest": "35 heures de repos consécutives chaque semaine",
    "js.rule.night_work_average": "la moyenne hebdomadaire du travailleur de nuit",
    "js.rule.seats": "pas plus de conseillers sur un site que de postes",
    "js.rule.onsite_days": "les jours sur site du télétravailleur chaque mois",
    "js.rule.training_share": "la part de formation du télétravailleur chaque mois",
    "js.rule.max_home_days_week": "au plus les jours à domicile convenus par semaine",
    "js.rule.max_home_days_month": "au plus les jours à domicile convenus par mois",
    "js.rule.unknown_agent": "un conseiller connu du scénario",
    "js.rule.overlap": "pas deux plages en même temps",
    "js.rule.location": "un lieu de travail connu du scénario",
    "refusal.nobody_may": (
        "Personne ne peut prendre cette offre selon les règles (temps de travail, repos, plages de "
        "joignabilité, compétences…)."
    ),
    "refusal.slot_started": (
        "Ce créneau commence maintenant ou a commencé : il ne peut plus être proposé."
    ),
    "refusal.slot_order": "L'offre doit finir après son début.",
    # demandes de planning (docs/intraday.md, "Requests") : la carte du poste et la console
    "agent.requests.title": "Mes demandes",
    "agent.requests.intro": (
        "Demandez à travailler un jour dans un autre lieu, ou à échanger un jour avec un "
        "collègue des mêmes compétences. Les règles du temps de travail et du télétravail sont "
        "vérifiées aussitôt ; certaines demandes attendent ensuite votre collègue ou votre "
        "responsable."
    ),
    "agent.requests.empty": "Aucune demande.",
    "agent.requests.location": "Travailler un jour dans un autre lieu",
    "agent.requests.day": "Jour",
    "agent.requests.where": "Où",
    "agent.requests.ask": "Demander",
    "agent.requests.swap": "Échanger un jour avec un collègue",
    "agent.requests.colleague": "Collègue (identifiant)",
    "agent.requests.ask_swap": "Demander l'échange",
    "supervisor.requests.title": "Demandes de planning",
    "supervisor.requests.intro": (
        "Les demandes des conseillers de vos équipes que la plateforme n'a pas acceptées "
        "d'elle-même. Les règles sont vérifiées à nouveau quand vous en approuvez une."
    ),
    "supervisor.requests.empty": "Aucune demande en attente.",
    "js.requests.title.location": "{day} — lieu de travail : {location}",
    "js.requests.title.swap": "{day} — échange avec {colleague}",
    "js.requests.title.swap_asked": "{day} — échange demandé par {colleague}",
    "js.requests.console.location": "{agent} — {day} — lieu de travail : {location}",
    "js.requests.console.swap": "{agent} et {colleague} — {day} — échange de leurs journées",
    "js.requests.state.awaiting_colleague": "en attente de l'accord du collègue",
    "js.requests.state.awaiting_planner": "en attente d'un responsable",
    "js.requests.state.approved": "acceptée",
    "js.requests.state.refused": "refusée",
    "js.requests.state.cancelled": "annulée",
    "js.requests.refused_rules": "les règles ne le permettent pas : {rules}",
    "js.requests.declined": "refusée par {who}",
    "js.requests.day_begun": "le jour demandé a commencé",
    "js.requests.by_platform": "automatiquement, selon les règles",
    "js.requests.decided_by": "par {who}",
    "js.requests.reason": "motif : {reason}",
    "js.requests.agree": "Accepter",
    "js.requests.decline": "Refuser",
    "js.requests.cancel": "Annuler la demande",
    "js.requests.approve": "Approuver",
    "js.requests.refuse": "Refuser",
}
